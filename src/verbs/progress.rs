//! The progress bar of long verbs (`run`, `simulate --sweep`) on stderr.
//!
//! Guarantee: nothing is written unless the bar was created enabled — the binary enables it
//! only when stderr is a terminal and `--json` is not given ([`Bar::for_stderr`]), so pipes,
//! files and JSON output carry no extra bytes. Updates may come from any thread; the line is
//! redrawn at most every [`REDRAW`] (and for the last item), and erased by [`Bar::finish`] so
//! the summary printed afterwards starts on a clean line.

use std::io::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The shortest interval between two redraws.
pub const REDRAW: Duration = Duration::from_millis(80);

/// A progress bar drawn on stderr.
pub struct Bar {
    enabled: bool,
    label: &'static str,
    start: Instant,
    /// When the line was last drawn, and whether anything was drawn at all.
    last: Mutex<Option<Instant>>,
}

/// The bar's line (without the leading carriage return): label, a bar of `width` cells,
/// `done/total`, elapsed seconds and the last item's name, cut to `columns` characters.
pub fn line(label: &str, done: usize, total: usize, seconds: f64, item: &str, columns: usize) -> String {
    let width = 28;
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(width);
    let bar: String = (0..width).map(|i| if i < filled { '#' } else if i == filled { '>' } else { '-' }).collect();
    let s = format!("{label} [{bar}] {done}/{total} {seconds:.1}s {item}");
    s.chars().take(columns.max(20)).collect()
}

impl Bar {
    /// A bar that draws only if `enabled`.
    pub fn new(label: &'static str, enabled: bool) -> Bar {
        Bar { enabled, label, start: Instant::now(), last: Mutex::new(None) }
    }

    /// A bar enabled exactly when stderr is a terminal and the output is not JSON.
    pub fn for_stderr(label: &'static str, json: bool) -> Bar {
        use std::io::IsTerminal;
        Bar::new(label, !json && std::io::stderr().is_terminal())
    }

    /// Whether this bar draws anything.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Reports `done` of `total` items, the last being `item`; redraws if due.
    pub fn update(&self, done: usize, total: usize, item: &str) {
        if !self.enabled {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if matches!(*last, Some(t) if now.duration_since(t) < REDRAW) && done < total {
            return;
        }
        *last = Some(now);
        let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100usize).saturating_sub(1);
        let text = line(self.label, done, total, self.start.elapsed().as_secs_f64(), item, columns);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    }

    /// Erases the bar's line (if anything was drawn).
    pub fn finish(&self) {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if self.enabled && last.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_fills_with_progress_and_fits_the_terminal() {
        let l = line("run", 0, 4, 0.0, "a/b", 200);
        assert!(l.starts_with("run [>---"), "{l}");
        assert!(l.contains(" 0/4 0.0s a/b"));
        assert!(line("run", 2, 4, 1.5, "x", 200).contains(&format!("[{}>{}] 2/4 1.5s", "#".repeat(14), "-".repeat(13))));
        assert!(line("run", 4, 4, 2.0, "x", 200).contains(&format!("[{}] 4/4", "#".repeat(28))));
        assert_eq!(line("run", 1, 4, 0.0, &"y".repeat(300), 60).chars().count(), 60);
    }

    #[test]
    fn a_disabled_bar_draws_nothing() {
        let b = Bar::new("run", false);
        b.update(1, 2, "x");
        b.finish();
        assert!(b.last.lock().unwrap().is_none());
    }
}
