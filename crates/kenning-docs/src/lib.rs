//! Documents Kenning writes: certificates of completion and receipts as PDF, and copies of PDF and
//! EPUB files marked for the one buyer who downloads them, so a leaked copy can be
//! traced. Pure byte transformations: callers bring the bytes and the words (already in
//! the reader's language) and store the result.
//!
//! PDFs are read and written with `lopdf`; EPUBs are zip archives (`zip`). Text uses
//! fonts every PDF reader knows without embedding: Helvetica for plain ASCII and Adobe's
//! STSong-Light (with the UniGB-UCS2-H encoding) for everything else, so names and titles
//! in Chinese print without shipping a font.

mod epub;
mod pdf;

use kenning_app::ports::{BuyerMark, CertificateText, DocumentError, Documents, ReceiptText};
use kenning_domain::media::MediaKind;

pub use epub::{mark_epub, write_marked_epub};
pub use pdf::{certificate_pdf, mark_pdf, receipt_pdf, write_marked_pdf};

/// The [`Documents`] port over this crate.
#[derive(Clone, Copy, Debug, Default)]
pub struct DocumentWriter;

impl Documents for DocumentWriter {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError> {
        certificate_pdf(text)
    }

    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError> {
        receipt_pdf(text)
    }

    fn mark(
        &self,
        kind: MediaKind,
        original: Vec<u8>,
        mark: &BuyerMark,
        out: &mut dyn std::io::Write,
    ) -> Result<(), DocumentError> {
        match kind {
            MediaKind::Pdf => write_marked_pdf(original, mark, out),
            MediaKind::Epub => write_marked_epub(&original, mark, out),
            MediaKind::Video | MediaKind::Audio => out
                .write_all(&original)
                .map_err(|e| DocumentError::Write(e.to_string())),
        }
    }
}
