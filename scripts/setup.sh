#!/usr/bin/env bash
# Installs what a fresh Debian machine with a Rust toolchain lacks for building eoscert:
# m4 (needed by the GMP build inside rug's bundled gmp-mpfr-sys). Uses sudo only when not root.
# Idempotent: does nothing when everything is present.
set -euo pipefail

need=()
command -v m4 >/dev/null 2>&1 || need+=(m4)
command -v make >/dev/null 2>&1 || need+=(make)
command -v cc >/dev/null 2>&1 || need+=(gcc)

if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo not found; install a Rust toolchain (rustup) first" >&2; exit 1; }
