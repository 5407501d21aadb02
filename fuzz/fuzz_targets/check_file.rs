//! Fuzzes the check-file loader: TOML parsing, field validation per kind, and the parsing of
//! every expression, number and range a check holds (`catalogue::parse_check`, which runs no
//! engine). The property: Ok or one error sentence, never a panic, hang or unbounded memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Err(e) = eoscert::catalogue::parse_check(s) {
        assert!(!e.to_string().is_empty());
    }
});
