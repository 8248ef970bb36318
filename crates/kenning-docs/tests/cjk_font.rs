//! Chinese text in certificates and receipts is shown with an embedded subset of a CJK
//! font from the machine (Debian: fonts-noto-cjk or fonts-wqy-microhei), mapped back to
//! its characters for copying and searching.

use std::collections::BTreeMap;

use kenning_app::ports::{BuyerMark, CertificateText, Documents, ReceiptRow, ReceiptText};
use kenning_docs::{CjkFont, DocumentWriter};
use lopdf::{Dictionary, Document, Object};

/// The machine's CJK font (`KENNING_PDF_FONT`, or the default locations). Missing, the
/// tests fail in CI and are skipped elsewhere.
fn font() -> Option<CjkFont> {
    let configured = std::env::var_os("KENNING_PDF_FONT").map(std::path::PathBuf::from);
    let found = CjkFont::find(configured.as_deref()).unwrap_or_else(|e| panic!("{e}"));
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no CJK font in {:?}: install fonts-noto-cjk or fonts-wqy-microhei",
            kenning_docs::DEFAULT_CJK_FONTS
        );
        eprintln!(
            "skipped: no CJK font in {:?} (apt-get install fonts-noto-cjk)",
            kenning_docs::DEFAULT_CJK_FONTS
        );
    }
    found
}

fn certificate() -> CertificateText {
    CertificateText {
        title: "Certificate of completion".into(),
        preamble: "This certifies that".into(),
        holder: "林薇".into(),
        completed: "has completed".into(),
        product: "Rust 实战：从零开始".into(),
        details: "6 lessons · by 林薇 · 2026年11月23日".into(),
        verification: "Certificate ABCD-EFGH · verify at http://x/certificates/ABCD-EFGH".into(),
    }
}

fn receipt() -> ReceiptText {
    ReceiptText {
        title: "收据".into(),
        parties: vec!["卖方：林薇".into(), "买方：Ana Silva".into()],
        rows: vec![
            ReceiptRow::new("Rust 实战：从零开始", "€29.00"),
            ReceiptRow::new("增值税 (20%)", "€4.83"),
            ReceiptRow::new("合计", "€29.00"),
        ],
        footer: "订单 0193-ABCD · 支付于 2026年11月23日".into(),
    }
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

fn dict<'a>(doc: &'a Document, parent: &'a Dictionary, key: &[u8]) -> &'a Dictionary {
    let object = parent
        .get(key)
        .unwrap_or_else(|_| panic!("no {}", String::from_utf8_lossy(key)));
    resolve(doc, object)
        .as_dict()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn stream_content(doc: &Document, parent: &Dictionary, key: &[u8]) -> Vec<u8> {
    let id = parent
        .get(key)
        .and_then(Object::as_reference)
        .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(key)));
    let stream = doc
        .get_object(id)
        .and_then(Object::as_stream)
        .unwrap_or_else(|e| panic!("{e}"));
    stream.content.clone()
}

/// The `<gid> <utf16>` pairs of a ToUnicode CMap.
fn to_unicode(cmap: &[u8]) -> BTreeMap<u16, String> {
    let text = String::from_utf8_lossy(cmap);
    let mut map = BTreeMap::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.ends_with("beginbfchar") {
            in_block = true;
        } else if line == "endbfchar" {
            in_block = false;
        } else if in_block {
            let parts: Vec<&str> = line
                .split(['<', '>', ' '])
                .filter(|p| !p.is_empty())
                .collect();
            let [gid, utf16] = parts[..] else {
                panic!("{line}")
            };
            let units: Vec<u16> = (0..utf16.len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&utf16[i..i + 4], 16).unwrap_or(0))
                .collect();
            map.insert(
                u16::from_str_radix(gid, 16).unwrap_or(0),
                String::from_utf16_lossy(&units),
            );
        }
    }
    map
}

/// What an embedded CJK font of a one-page PDF shows there: the text of each of its
/// runs, read back through its ToUnicode map. Checks the font is a subset, embedded.
fn cjk_text(pdf: &[u8], full_font_bytes: u64) -> Vec<String> {
    let mut doc = Document::load_mem(pdf).unwrap_or_else(|e| panic!("{e}"));
    doc.decompress();
    let page = *doc
        .get_pages()
        .values()
        .next()
        .unwrap_or_else(|| panic!("no page"));
    let page_dict = doc.get_dictionary(page).unwrap_or_else(|e| panic!("{e}"));
    let resources = dict(&doc, page_dict, b"Resources");
    let fonts = dict(&doc, resources, b"Font");
    let type0 = dict(&doc, fonts, b"KnSong");
    assert_eq!(
        type0.get(b"Subtype").and_then(Object::as_name).ok(),
        Some(&b"Type0"[..])
    );
    assert_eq!(
        type0.get(b"Encoding").and_then(Object::as_name).ok(),
        Some(&b"Identity-H"[..])
    );
    let descendant = type0
        .get(b"DescendantFonts")
        .and_then(Object::as_array)
        .map(|fonts| resolve(&doc, &fonts[0]))
        .and_then(Object::as_dict)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(descendant.has(b"W"));
    let descriptor = dict(&doc, descendant, b"FontDescriptor");
    let file_key: &[u8] = if descriptor.has(b"FontFile3") {
        b"FontFile3"
    } else {
        b"FontFile2"
    };
    let file = stream_content(&doc, descriptor, file_key);
    assert!(file.len() > 100, "empty font file");
    // A subset: a few hundred kilobytes at most, of a font of megabytes.
    assert!(
        (file.len() as u64) * 20 < full_font_bytes,
        "font file of {} bytes, the whole font is {full_font_bytes}",
        file.len()
    );
    let map = to_unicode(&stream_content(&doc, type0, b"ToUnicode"));
    // The page's runs in this font, decoded.
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    content
        .split("/KnSong ")
        .skip(1)
        .filter_map(|run| {
            let hex = run.split_once('<')?.1.split_once('>')?.0;
            Some(
                (0..hex.len())
                    .step_by(4)
                    .map(|i| {
                        let gid = u16::from_str_radix(&hex[i..i + 4], 16).unwrap_or(0);
                        map.get(&gid).cloned().unwrap_or_else(|| "\u{FFFD}".into())
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn chinese_in_certificates_and_receipts_is_an_embedded_subset_that_maps_back_to_text() {
    let Some(font) = font() else { return };
    let full = std::fs::metadata(font.path())
        .map(|m| m.len())
        .unwrap_or_else(|e| panic!("{e}"));
    let writer = DocumentWriter::new(Some(font));

    let certificate = writer
        .certificate_pdf(&certificate())
        .unwrap_or_else(|e| panic!("{e}"));
    let runs = cjk_text(&certificate, full);
    assert!(runs.iter().any(|r| r == "林薇"), "{runs:?}");
    assert!(runs.iter().any(|r| r == "实战：从零开始"), "{runs:?}");

    let receipt = writer
        .receipt_pdf(&receipt())
        .unwrap_or_else(|e| panic!("{e}"));
    let runs = cjk_text(&receipt, full);
    for expected in ["收据", "卖方：林薇", "实战：从零开始", "增值税", "合计"] {
        assert!(runs.iter().any(|r| r == expected), "{expected} in {runs:?}");
    }

    // Kept for looking at (pdftoppm -png …).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::write(dir.join("certificate-zh.pdf"), &certificate);
    let _ = std::fs::write(dir.join("receipt-zh.pdf"), &receipt);
}

#[test]
fn a_buyer_s_chinese_name_on_a_marked_copy_is_embedded_too() {
    let Some(font) = font() else { return };
    let full = std::fs::metadata(font.path())
        .map(|m| m.len())
        .unwrap_or_else(|e| panic!("{e}"));
    let writer = DocumentWriter::new(Some(font));
    let original =
        kenning_docs::certificate_pdf(&certificate(), None).unwrap_or_else(|e| panic!("{e}"));
    let mut marked = Vec::new();
    writer
        .mark(
            kenning_domain::media::MediaKind::Pdf,
            original,
            &BuyerMark {
                line: "授权给 林薇 · 订单 42".into(),
                holder_name: "林薇".into(),
                reference: "订单 42".into(),
            },
            &mut marked,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let runs = cjk_text(&marked, full);
    assert!(runs.iter().any(|r| r == "授权给"), "{runs:?}");
    assert!(runs.iter().any(|r| r == "林薇"), "{runs:?}");
}

#[test]
fn text_without_chinese_embeds_nothing_and_a_missing_font_is_refused() {
    let plain = DocumentWriter::default()
        .receipt_pdf(&ReceiptText {
            title: "Receipt".into(),
            parties: vec!["Seller: Ana".into()],
            rows: vec![ReceiptRow::new("Total", "€29.00")],
            footer: "Order 1".into(),
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&plain);
    assert!(!text.contains("FontFile"), "{text}");
    assert!(CjkFont::find(Some(std::path::Path::new("/nonexistent/font.ttc"))).is_err());
}
