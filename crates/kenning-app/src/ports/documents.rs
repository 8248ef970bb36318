//! Writing documents: certificates, receipts and marked copies.

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file is not a document this kind can read (damaged, encrypted, not a PDF…).
    #[error("unreadable document: {0}")]
    Unreadable(String),
    #[error("document not written: {0}")]
    Write(String),
    /// Larger than this writer marks (it holds a document in memory to mark it).
    #[error("document larger than {limit} bytes")]
    TooLarge { limit: u64 },
}

/// The words of a certificate, already in the reader's language.
#[derive(Clone, Debug)]
pub struct CertificateText {
    /// "Certificate of completion"
    pub title: String,
    /// "This certifies that"
    pub preamble: String,
    pub holder: String,
    /// "has completed"
    pub completed: String,
    pub product: String,
    /// "6 lessons · by Lin Wei · Nov 23, 2026"
    pub details: String,
    /// "Certificate ABCD-… · verify at https://…"
    pub verification: String,
}

/// The words of a receipt, already in the reader's language.
#[derive(Clone, Debug)]
pub struct ReceiptText {
    /// "Receipt"
    pub title: String,
    /// Seller and buyer lines under the title.
    pub parties: Vec<String>,
    /// Rows: item, price, discount, tax, total, payment, refunds.
    pub rows: Vec<ReceiptRow>,
    /// "Order … · paid on …"
    pub footer: String,
}

/// A line of a receipt: what it is, and the amount or words beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptRow {
    pub label: String,
    pub value: String,
}

impl ReceiptRow {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> ReceiptRow {
        ReceiptRow {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// What is written into a copy made for one buyer.
#[derive(Clone, Debug)]
pub struct BuyerMark {
    /// The visible line on every page (PDF) or on a page of its own (EPUB), in the
    /// buyer's language: e.g. "Licensed to Ana · order 0193…".
    pub line: String,
    pub holder_name: String,
    /// The order it was bought with, or the account when there was no order.
    pub reference: String,
}

/// Writing documents: certificates, and marked copies of PDF and EPUB files.
pub trait Documents: Send + Sync {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError>;
    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError>;
    /// Writes a copy of `original` carrying the mark to `out`, as it goes (the copy
    /// is never held whole); video and audio are written unchanged. The original is
    /// handed over so that a writer can free it as soon as it has read it (a PDF is
    /// parsed, then only the parsed form is held). On an error, what was written is
    /// no copy.
    fn mark(
        &self,
        kind: kenning_domain::media::MediaKind,
        original: Vec<u8>,
        mark: &BuyerMark,
        out: &mut dyn std::io::Write,
    ) -> Result<(), DocumentError>;
}
