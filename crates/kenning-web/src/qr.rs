//! QR codes drawn as inline SVG (the two-step sign-in set-up shows the `otpauth://`
//! address as one, for a phone's authenticator app to scan). The encoder is the
//! `qrcodegen` crate; only the drawing is here.

use qrcodegen::{QrCode, QrCodeEcc};

/// Empty modules around the code, as the standard asks.
const QUIET: i32 = 4;

/// `text` as an SVG QR code `size` pixels wide; `None` when it is too long to encode.
pub fn svg(text: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let n = code.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET, y + QUIET));
            }
        }
    }
    let side = n + 2 * QUIET;
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{size}\" \
         height=\"{size}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_a_square_svg_with_an_escaped_label() {
        let drawn =
            svg("otpauth://totp/Kenning:ada?secret=ABC", 200, "Scan <this>").unwrap_or_default();
        assert!(drawn.starts_with("<svg"));
        assert!(drawn.contains("aria-label=\"Scan &lt;this>\""));
        assert!(drawn.contains("<path d=\"M"));
        assert!(svg(&"x".repeat(10_000), 200, "").is_none());
    }
}
