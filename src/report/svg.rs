//! SVG building blocks for the plots of `report.html`: a plotting frame (data ranges mapped
//! to pixels, axes, tick labels, axis titles) and the `<figure>` wrapper with its caption.
//!
//! Guarantee: the output is plain inline SVG (no scripts, no external references); every text
//! passed in is HTML-escaped; coordinates are printed with a fixed number of decimals, so equal
//! inputs give byte-identical markup. Drawing only: nothing here certifies anything.

use super::html::esc;
use std::fmt::Write as _;

/// A plotting area of `w × h` pixels with margins, showing `[x0, x1] × [y0, y1]`.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub w: f64,
    pub h: f64,
    /// Left, right, top and bottom margins in pixels.
    pub ml: f64,
    pub mr: f64,
    pub mt: f64,
    pub mb: f64,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    /// A frame of the usual size for the data ranges `x` and `y` (an empty range is widened).
    pub fn new(x: (f64, f64), y: (f64, f64)) -> Frame {
        let widen = |(a, b): (f64, f64)| if b - a > 1e-300 { (a, b) } else { (a - 1.0, b + 1.0) };
        Frame { w: 560.0, h: 280.0, ml: 56.0, mr: 16.0, mt: 14.0, mb: 40.0, x: widen(x), y: widen(y) }
    }

    /// The same frame with another pixel size.
    pub fn sized(mut self, w: f64, h: f64) -> Frame {
        self.w = w;
        self.h = h;
        self
    }

    /// Pixel column of the data abscissa `x`.
    pub fn sx(&self, x: f64) -> f64 {
        self.ml + (x - self.x.0) / (self.x.1 - self.x.0) * (self.w - self.ml - self.mr)
    }

    /// Pixel row of the data ordinate `y` (upwards).
    pub fn sy(&self, y: f64) -> f64 {
        self.h - self.mb - (y - self.y.0) / (self.y.1 - self.y.0) * (self.h - self.mt - self.mb)
    }

    /// Whether `(x, y)` lies in the data ranges (false for NaN and infinities).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x.0 && x <= self.x.1 && y >= self.y.0 && y <= self.y.1
    }

    /// Opens `<svg class="plot {class}" {attrs}>` and draws the background, the axes, the end
    /// tick labels and the axis titles. Close with [`Frame::close`].
    pub fn open(&self, class: &str, attrs: &str, xlabel: &str, ylabel: &str) -> String {
        let (w, h) = (self.w, self.h);
        let (l, r, t, b) = (self.ml, w - self.mr, self.mt, h - self.mb);
        let mut o = format!(
            "<svg class=\"plot {}\" {attrs} width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\
<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\" stroke=\"#ddd\"/>\
<line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/><line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"#888\"/>",
            esc(class)
        );
        let _ = write!(
            o,
            "<text x=\"{l}\" y=\"{:.1}\">{}</text><text x=\"{r}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><text x=\"{:.1}\" y=\"{b}\" text-anchor=\"end\">{}</text>\
<text transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            b + 14.0,
            tick(self.x.0),
            b + 14.0,
            tick(self.x.1),
            (l + r) / 2.0,
            b + 30.0,
            esc(xlabel),
            l - 4.0,
            t + 10.0,
            tick(self.y.1),
            l - 4.0,
            tick(self.y.0),
            (t + b) / 2.0,
            esc(ylabel),
        );
        o
    }

    /// Closes the `<svg>` opened by [`Frame::open`].
    pub fn close(&self, o: &mut String) {
        o.push_str("</svg>");
    }

    /// A polyline through the points inside the y range (a gap where a point is outside or
    /// not finite), as the `d` attribute of a path.
    pub fn path(&self, pts: impl IntoIterator<Item = (f64, f64)>) -> String {
        let mut d = String::new();
        let mut pen = false;
        for (x, y) in pts {
            if !self.contains(x, y) {
                pen = false;
                continue;
            }
            let _ = write!(d, "{}{:.1},{:.1}", if pen { " L" } else { " M" }, self.sx(x), self.sy(y));
            pen = true;
        }
        d.trim_start().to_string()
    }
}

/// An axis label: short, fixed format.
pub fn tick(y: f64) -> String {
    if y.fract() == 0.0 && y.abs() < 1e9 {
        format!("{y:.0}")
    } else if y == 0.0 || (1e-3..1e4).contains(&y.abs()) {
        let t = format!("{y:.4}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{y:.2e}")
    }
}

/// `<figure class="{class}">svg<figcaption>caption</figcaption></figure>`; the caption is
/// escaped.
pub fn figure(class: &str, svg: &str, caption: &str) -> String {
    format!("<figure class=\"{}\">{svg}<figcaption>{}</figcaption></figure>", esc(class), esc(caption))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_maps_corners_and_breaks_paths_outside() {
        let f = Frame::new((0.0, 1.0), (0.0, 2.0));
        assert_eq!(f.sx(0.0), f.ml);
        assert_eq!(f.sx(1.0), f.w - f.mr);
        assert_eq!(f.sy(0.0), f.h - f.mb);
        assert_eq!(f.sy(2.0), f.mt);
        let d = f.path([(0.0, 0.0), (0.5, 5.0), (1.0, 2.0)]);
        assert_eq!(d.matches('M').count(), 2, "a gap where the point leaves the frame: {d}");
        assert!(!f.open("x", "", "<a>", "b").contains("<a>"), "labels escaped");
    }
}
