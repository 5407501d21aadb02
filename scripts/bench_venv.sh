# Sourced by scripts/bench_compare.sh and scripts/bench_instructions.sh (from the repository
# root): the virtual environment of the reference tools (python-flint, mpmath, sympy, numpy from
# PyPI), created on first use. Sets PY to its python, as an absolute path.
VENV=target/bench-compare-venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import flint, mpmath, sympy, numpy" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet python-flint mpmath sympy numpy
fi
PY="$PWD/$VENV/bin/python"
