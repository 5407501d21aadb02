//! Fuzzes every text parser a user's input reaches: loss expressions (with and without
//! parameters), numbers, constant expressions, points, ranges, boxes and matrices. The
//! property: each returns Ok or a ParseError, never panics, hangs or grows without bound;
//! an error renders to one line plus a caret line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    use eoscert::parse;
    match parse::parse_loss(s, &[], None) {
        Ok(loss) => {
            // A printed expression parses, and printing is a fixed point after one round
            // (parsing may fold constants, so the first round may change the tree).
            let reparse = |src: &str| parse::parse_loss(src, &[], Some(&loss.vars)).expect("printed expressions parse").expr;
            let p1 = reparse(&parse::to_source(&loss.expr, &loss.vars));
            let s1 = parse::to_source(&p1, &loss.vars);
            assert_eq!(reparse(&s1), p1, "round trip of {s:?} through {s1:?}");
        }
        Err(e) => {
            assert!(e.render().lines().count() <= 3);
        }
    }
    let _ = parse::parse_number(s);
    let _ = parse::parse_const_expr(s);
    let _ = parse::parse_point(s);
    let _ = parse::parse_range(s);
    let _ = parse::parse_box(s);
    let _ = parse::parse_named_box(s);
    let _ = parse::parse_matrix(s);
    let _ = parse::parse_number_list(s);
});
