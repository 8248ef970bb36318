//! Documents Kenning writes: certificates of completion and receipts as PDF, and copies of PDF and
//! EPUB files marked for the one buyer who downloads them, so a leaked copy can be
//! traced. Pure byte transformations: callers bring the bytes and the words (already in
//! the reader's language) and store the result.
//!
//! PDFs are read and written with `lopdf`; EPUBs are zip archives (`zip`). Text Helvetica
//! can show (WinAnsi: ASCII, Latin-1, € and typographic punctuation) uses it, a font
//! every PDF reader has. Everything else (Chinese names and titles above all) uses a CJK
//! font found on the machine ([`CjkFont`]: configured, or the first of
//! [`DEFAULT_CJK_FONTS`]), embedded as a subset of the glyphs each document uses, with a
//! ToUnicode map so the text can be copied and searched. With no such font, that text
//! names Adobe's STSong-Light (UniGB-UCS2-H encoding) without embedding it: readers with
//! Adobe's Asian font packs or a font substitution for it show it, others leave it out.

mod epub;
mod font;
mod pdf;

use kenning_app::ports::{BuyerMark, CertificateText, DocumentError, Documents, ReceiptText};
use kenning_domain::media::MediaKind;

pub use epub::{mark_epub, write_marked_epub};
pub use font::{CjkFont, DEFAULT_CJK_FONTS};
pub use pdf::{certificate_pdf, mark_pdf, receipt_pdf, write_marked_pdf};

/// The [`Documents`] port over this crate. The default embeds no font (see the crate's
/// notes).
#[derive(Clone, Debug, Default)]
pub struct DocumentWriter {
    cjk_font: Option<CjkFont>,
}

impl DocumentWriter {
    /// Writing text Helvetica cannot show with a subset of `cjk_font` (see
    /// [`CjkFont::find`]), or with STSong-Light, not embedded, if `None`.
    pub fn new(cjk_font: Option<CjkFont>) -> DocumentWriter {
        DocumentWriter { cjk_font }
    }

    pub fn cjk_font(&self) -> Option<&CjkFont> {
        self.cjk_font.as_ref()
    }
}

impl Documents for DocumentWriter {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError> {
        certificate_pdf(text, self.cjk_font.as_ref())
    }

    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError> {
        receipt_pdf(text, self.cjk_font.as_ref())
    }

    fn mark(
        &self,
        kind: MediaKind,
        original: Vec<u8>,
        mark: &BuyerMark,
        out: &mut dyn std::io::Write,
    ) -> Result<(), DocumentError> {
        match kind {
            MediaKind::Pdf => write_marked_pdf(original, mark, self.cjk_font.as_ref(), out),
            MediaKind::Epub => write_marked_epub(&original, mark, out),
            MediaKind::Video | MediaKind::Audio => out
                .write_all(&original)
                .map_err(|e| DocumentError::Write(e.to_string())),
        }
    }
}
