//! Documents as plain text.

use std::sync::atomic::{AtomicUsize, Ordering};

use kenning_domain::media::MediaKind;

use crate::ports::{BuyerMark, CertificateText, DocumentError, Documents, ReceiptText};

/// Documents as plain text: enough to see what was asked for. A marked copy is the
/// original with the mark's line appended (video and audio come back unchanged, and an
/// original that is not UTF-8 text is "unreadable", like a damaged PDF).
#[derive(Debug, Default)]
pub struct PlainDocuments {
    /// Marking jobs running now, and the most that ever ran at once.
    marking: AtomicUsize,
    pub most_marking: AtomicUsize,
}

impl Documents for PlainDocuments {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError> {
        Ok(format!(
            "certificate\n{}\n{} {} {}\n{}\n{}",
            text.title, text.preamble, text.holder, text.completed, text.product, text.verification
        )
        .into_bytes())
    }

    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError> {
        let rows: Vec<String> = text
            .rows
            .iter()
            .map(|r| format!("{}: {}", r.label, r.value))
            .collect();
        Ok(format!(
            "receipt\n{}\n{}\n{}\n{}",
            text.title,
            text.parties.join("\n"),
            rows.join("\n"),
            text.footer
        )
        .into_bytes())
    }

    fn mark(
        &self,
        kind: MediaKind,
        original: Vec<u8>,
        mark: &BuyerMark,
        out: &mut dyn std::io::Write,
    ) -> Result<(), DocumentError> {
        let write = |out: &mut dyn std::io::Write, bytes: &[u8]| {
            out.write_all(bytes)
                .map_err(|e| DocumentError::Write(e.to_string()))
        };
        if !matches!(kind, MediaKind::Pdf | MediaKind::Epub) {
            return write(out, &original);
        }
        let running = self.marking.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_marking.fetch_max(running, Ordering::SeqCst);
        // Long enough for parallel downloads to overlap when nothing bounds them.
        std::thread::sleep(std::time::Duration::from_millis(20));
        self.marking.fetch_sub(1, Ordering::SeqCst);
        let text =
            std::str::from_utf8(&original).map_err(|e| DocumentError::Unreadable(e.to_string()))?;
        write(out, text.as_bytes())?;
        write(
            out,
            format!("\n{} [{}]", mark.line, mark.reference).as_bytes(),
        )
    }
}
