//! Certificates written from scratch, and PDF copies marked for one buyer.

use std::collections::BTreeSet;

use kenning_app::ports::{BuyerMark, CertificateText, DocumentError, ReceiptText};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

use crate::font::{CjkFont, Subset};

/// A4 landscape, in points.
const A4_WIDE: (f32, f32) = (842.0, 595.0);
/// Resource names of the two fonts.
const LATIN: &str = "KnHelv";
const CJK: &str = "KnSong";

fn write_error(e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Write(e.to_string())
}

/// Helvetica, for text that is plain ASCII.
fn latin_font() -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    }
}

/// How text Helvetica cannot show is written.
enum Cjk {
    /// Adobe's STSong-Light, named but not embedded: readers that have it (or map it to
    /// a Chinese system font) show the text, others drop it. For when there is no font
    /// to embed, or nothing for it to show.
    Song,
    /// A subset of a CJK font, embedded, with the glyphs of the document's text.
    Embedded(Subset),
}

impl Cjk {
    /// For a document showing `texts`: a subset of `font` with the characters among
    /// them Helvetica cannot show, or STSong if there are none, there is no font, or it
    /// cannot be read (the document is still written, as before fonts were embedded).
    fn for_texts<'a>(font: Option<&CjkFont>, texts: impl IntoIterator<Item = &'a str>) -> Cjk {
        let chars: BTreeSet<char> = texts
            .into_iter()
            .flat_map(str::chars)
            .filter(|c| !c.is_control() && !in_win_ansi(*c))
            .collect();
        match font {
            Some(font) if !chars.is_empty() => font.subset(&chars).map_or(Cjk::Song, Cjk::Embedded),
            _ => Cjk::Song,
        }
    }

    /// The hex string operand that shows `c`.
    fn encode(&self, c: char, out: &mut Vec<u8>) {
        match self {
            Cjk::Song => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("{unit:04X}").as_bytes());
                }
            }
            Cjk::Embedded(subset) => {
                out.extend_from_slice(format!("{:04X}", subset.glyph(c)).as_bytes());
            }
        }
    }

    /// How wide `c` is, in ems.
    fn advance(&self, c: char) -> f32 {
        match self {
            Cjk::Song => 1.0,
            Cjk::Embedded(subset) => subset.advance(c),
        }
    }

    fn add_to(&self, doc: &mut Document) -> ObjectId {
        match self {
            Cjk::Song => doc.add_object(song_font()),
            Cjk::Embedded(subset) => subset.add_to(doc),
        }
    }
}

/// Adobe's STSong-Light, a font every reader provides for Simplified Chinese; with the
/// UniGB-UCS2-H encoding, text is written as UTF-16BE code units. Its Latin glyphs are
/// half width (CIDs 1–95).
fn song_font() -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "STSong-Light",
        "Encoding" => "UniGB-UCS2-H",
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType0",
            "BaseFont" => "STSong-Light",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("GB1"),
                "Supplement" => 2,
            },
            "FontDescriptor" => dictionary! {
                "Type" => "FontDescriptor",
                "FontName" => "STSong-Light",
                "Flags" => 6,
                "FontBBox" => vec![(-25).into(), (-254).into(), 1000.into(), 880.into()],
                "ItalicAngle" => 0,
                "Ascent" => 880,
                "Descent" => -120,
                "CapHeight" => 880,
                "StemV" => 93,
            },
            "DW" => 1000,
            "W" => vec![1.into(), 95.into(), 500.into()],
        })],
    }
}

/// WinAnsiEncoding's bytes 0x80–0x9F, by the character each shows (€ and the
/// typographer's quotes, dashes and bullet among them).
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// The byte Helvetica shows `c` with under WinAnsiEncoding: ASCII and Latin-1 (byte =
/// code point, such as "·" and "é"), the specials above, and the minus sign as an en
/// dash. Everything else goes to the CJK font.
fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x20..0x7F).contains(&code) || (0xA0..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    if c == '−' {
        return Some(0x96);
    }
    WIN_ANSI_HIGH
        .iter()
        .find(|(ch, _)| *ch == c)
        .map(|(_, byte)| *byte)
}

fn in_win_ansi(c: char) -> bool {
    win_ansi(c).is_some()
}

/// The text split into runs of one font each, with the string operand of each run.
fn runs(text: &str, cjk: &Cjk) -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for c in text.chars().filter(|c| !c.is_control()) {
        let font = if in_win_ansi(c) { LATIN } else { CJK };
        if out.last().is_none_or(|(f, _)| *f != font) {
            out.push((font, Vec::new()));
        }
        if let Some((_, bytes)) = out.last_mut() {
            if font == LATIN {
                let byte = win_ansi(c).unwrap_or(b'?');
                if matches!(byte, b'(' | b')' | b'\\') {
                    bytes.push(b'\\');
                }
                bytes.push(byte);
            } else {
                cjk.encode(c, bytes);
            }
        }
    }
    out
}

/// Roughly how wide `text` is at `size` (for centring): Helvetica's letters average a
/// little over half an em; the CJK font's own advances (STSong's ideographs are one em).
fn width(text: &str, size: f32, cjk: &Cjk) -> f32 {
    let ems: f32 = text
        .chars()
        .map(|c| match c {
            c if !in_win_ansi(c) => cjk.advance(c),
            'i' | 'l' | 'j' | 't' | 'f' | 'I' | '.' | ',' | ' ' | '·' | ':' => 0.28,
            'm' | 'w' | 'M' | 'W' => 0.85,
            c if c.is_ascii_uppercase() => 0.68,
            _ => 0.55,
        })
        .sum();
    ems * size
}

/// Content-stream operators that show one line of text at (x, y), switching fonts
/// between runs.
fn text_at(text: &str, size: f32, x: f32, y: f32, cjk: &Cjk) -> Vec<u8> {
    let mut out = format!("BT {x:.1} {y:.1} Td ").into_bytes();
    for (font, operand) in runs(text, cjk) {
        out.extend_from_slice(format!("/{font} {size} Tf ").as_bytes());
        let (open, close) = if font == LATIN {
            (b'(', b')')
        } else {
            (b'<', b'>')
        };
        out.push(open);
        out.extend_from_slice(&operand);
        out.push(close);
        out.extend_from_slice(b" Tj ");
    }
    out.extend_from_slice(b"ET\n");
    out
}

fn centred(text: &str, size: f32, y: f32, cjk: &Cjk) -> Vec<u8> {
    let x = ((A4_WIDE.0 - width(text, size, cjk)) / 2.0).max(20.0);
    text_at(text, size, x, y, cjk)
}

/// PDF text strings (metadata) are UTF-16BE with a byte-order mark.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// A document of one page of the given size, drawn by `content` (its text written for
/// `cjk`), with its information dictionary.
fn single_page(
    (w, h): (f32, f32),
    content: Vec<u8>,
    cjk: &Cjk,
    info: Dictionary,
) -> Result<Vec<u8>, DocumentError> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let latin = doc.add_object(latin_font());
    let cjk = cjk.add_to(&mut doc);
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { LATIN => latin, CJK => cjk },
    });
    let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
        "Contents" => content_id,
        "Resources" => resources,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(info);
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    save(&mut doc)
}

/// A one-page certificate of completion; text Helvetica cannot show in a subset of
/// `font`, embedded (STSong-Light, not embedded, without one).
pub fn certificate_pdf(
    text: &CertificateText,
    font: Option<&CjkFont>,
) -> Result<Vec<u8>, DocumentError> {
    let (w, h) = A4_WIDE;
    let cjk = Cjk::for_texts(
        font,
        [
            &text.title,
            &text.preamble,
            &text.holder,
            &text.completed,
            &text.product,
            &text.details,
            &text.verification,
        ]
        .map(String::as_str),
    );
    let mut content = Vec::new();
    // Two frames, the outer one in a deep teal.
    content.extend_from_slice(
        format!(
            "q 0.06 0.36 0.4 RG 4 w 24 24 {:.1} {:.1} re S 1 w 36 36 {:.1} {:.1} re S Q\n",
            w - 48.0,
            h - 48.0,
            w - 72.0,
            h - 72.0
        )
        .as_bytes(),
    );
    content.extend_from_slice(b"0.06 0.36 0.4 rg\n");
    content.extend(centred(&text.title, 32.0, 450.0, &cjk));
    content.extend_from_slice(b"0.2 0.2 0.2 rg\n");
    content.extend(centred(&text.preamble, 14.0, 395.0, &cjk));
    content.extend(centred(&text.holder, 30.0, 345.0, &cjk));
    content.extend(centred(&text.completed, 14.0, 300.0, &cjk));
    content.extend(centred(&text.product, 22.0, 255.0, &cjk));
    content.extend(centred(&text.details, 12.0, 210.0, &cjk));
    content.extend_from_slice(b"0.45 0.45 0.45 rg\n");
    content.extend(centred(&text.verification, 10.0, 70.0, &cjk));
    single_page(
        A4_WIDE,
        content,
        &cjk,
        dictionary! {
            "Title" => text_string(&format!("{} · {}", text.title, text.holder)),
            "Subject" => text_string(&text.product),
            "Keywords" => text_string(&text.verification),
            "Producer" => Object::string_literal("Kenning"),
        },
    )
}

/// A4 portrait, for receipts.
const A4: (f32, f32) = (595.0, 842.0);

/// A one-page receipt: the title, the parties, a table of labelled amounts (values
/// right-aligned) and a footer; the CJK font as for [`certificate_pdf`].
pub fn receipt_pdf(text: &ReceiptText, font: Option<&CjkFont>) -> Result<Vec<u8>, DocumentError> {
    let (w, _) = A4;
    let cjk = Cjk::for_texts(
        font,
        [&text.title, &text.footer]
            .into_iter()
            .chain(&text.parties)
            .chain(text.rows.iter().flat_map(|row| [&row.label, &row.value]))
            .map(String::as_str),
    );
    let (left, right) = (60.0, w - 60.0);
    let mut content = Vec::new();
    content.extend_from_slice(b"0.06 0.36 0.4 rg\n");
    content.extend(text_at(&text.title, 26.0, left, 770.0, &cjk));
    content.extend_from_slice(b"0.2 0.2 0.2 rg\n");
    let mut y = 735.0;
    for line in &text.parties {
        content.extend(text_at(line, 11.0, left, y, &cjk));
        y -= 16.0;
    }
    y -= 14.0;
    content.extend_from_slice(
        format!("q 0.7 0.7 0.7 RG 0.5 w {left:.1} {y:.1} m {right:.1} {y:.1} l S Q\n").as_bytes(),
    );
    y -= 22.0;
    for row in &text.rows {
        content.extend(text_at(&row.label, 12.0, left, y, &cjk));
        content.extend(text_at(
            &row.value,
            12.0,
            right - width(&row.value, 12.0, &cjk),
            y,
            &cjk,
        ));
        y -= 22.0;
    }
    content.extend_from_slice(b"0.45 0.45 0.45 rg\n");
    content.extend(text_at(&text.footer, 9.0, left, 60.0, &cjk));
    single_page(
        A4,
        content,
        &cjk,
        dictionary! {
            "Title" => text_string(&text.title),
            "Subject" => text_string(&text.footer),
            "Producer" => Object::string_literal("Kenning"),
        },
    )
}

fn save(doc: &mut Document) -> Result<Vec<u8>, DocumentError> {
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(write_error)?;
    Ok(out)
}

/// The page's MediaBox (looked up the page tree when inherited); US Letter if none.
fn media_box(doc: &Document, page: ObjectId) -> (f32, f32) {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(Object::Array(b)) = dict.get(b"MediaBox").and_then(|o| match o {
            Object::Reference(id) => doc.get_object(*id),
            other => Ok(other),
        }) {
            let n = |i: usize| b.get(i).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
            return (n(0), n(1));
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    (0.0, 0.0)
}

/// A copy of a PDF with the buyer's mark: in the document information (Subject,
/// Keywords and a `KenningLicensee` entry) and as a line of small grey text at the foot of
/// every page. The original page content is wrapped in q/Q first, so whatever state it
/// leaves does not move or hide the mark.
/// Marks every page, into memory.
pub fn mark_pdf(
    original: Vec<u8>,
    mark: &BuyerMark,
    font: Option<&CjkFont>,
) -> Result<Vec<u8>, DocumentError> {
    let mut out = Vec::new();
    write_marked_pdf(original, mark, font, &mut out)?;
    Ok(out)
}

/// Marks every page, writing the copy to `out` as it goes. The original is dropped once
/// parsed: marking holds the parsed document, never the original nor the copy besides.
/// The CJK font as for [`certificate_pdf`].
pub fn write_marked_pdf(
    original: Vec<u8>,
    mark: &BuyerMark,
    font: Option<&CjkFont>,
    out: &mut dyn std::io::Write,
) -> Result<(), DocumentError> {
    let mut doc =
        Document::load_mem(&original).map_err(|e| DocumentError::Unreadable(e.to_string()))?;
    drop(original);
    if doc.is_encrypted() {
        return Err(DocumentError::Unreadable("encrypted".into()));
    }
    let latin = doc.add_object(latin_font());
    let cjk_text = Cjk::for_texts(font, [mark.line.as_str()]);
    let cjk = cjk_text.add_to(&mut doc);
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if pages.is_empty() {
        return Err(DocumentError::Unreadable("no pages".into()));
    }
    for page in pages {
        add_fonts(&mut doc, page, latin, cjk)?;
        let (x0, y0) = media_box(&doc, page);
        let save = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let mut stamp = b"Q\nq 0.5 0.5 0.5 rg\n".to_vec();
        stamp.extend(text_at(&mark.line, 7.0, x0 + 24.0, y0 + 12.0, &cjk_text));
        stamp.extend_from_slice(b"Q\n");
        let stamp = doc.add_object(Stream::new(Dictionary::new(), stamp));
        let dict = doc.get_dictionary(page).map_err(write_error)?;
        let mut contents: Vec<Object> = match dict.get(b"Contents") {
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(items)) => items.clone(),
                _ => vec![Object::Reference(*id)],
            },
            Ok(Object::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        contents.insert(0, Object::Reference(save));
        contents.push(Object::Reference(stamp));
        doc.get_object_mut(page)
            .and_then(Object::as_dict_mut)
            .map_err(write_error)?
            .set("Contents", contents);
    }
    let mut info = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    info.set("Subject", text_string(&mark.line));
    info.set("Keywords", text_string(&mark.reference));
    info.set(
        "KenningLicensee",
        text_string(&format!("{} · {}", mark.holder_name, mark.reference)),
    );
    let info = doc.add_object(info);
    doc.trailer.set("Info", info);
    let mut out = std::io::BufWriter::new(out);
    doc.save_to(&mut out).map_err(write_error)?;
    std::io::Write::flush(&mut out).map_err(write_error)
}

/// Makes both fonts available on the page under names no document is likely to use.
fn add_fonts(
    doc: &mut Document,
    page: ObjectId,
    latin: ObjectId,
    cjk: ObjectId,
) -> Result<(), DocumentError> {
    let resources = doc
        .get_or_create_resources(page)
        .and_then(Object::as_dict_mut)
        .map_err(write_error)?;
    let shared_fonts = match resources.get(b"Font") {
        Ok(Object::Reference(id)) => Some(*id),
        Ok(Object::Dictionary(_)) => None,
        _ => {
            resources.set("Font", Dictionary::new());
            None
        }
    };
    let fonts = match shared_fonts {
        Some(id) => doc.get_object_mut(id).and_then(Object::as_dict_mut),
        None => resources.get_mut(b"Font").and_then(Object::as_dict_mut),
    }
    .map_err(write_error)?;
    fonts.set(LATIN, latin);
    fonts.set(CJK, cjk);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> CertificateText {
        CertificateText {
            title: "Certificate of completion".into(),
            preamble: "This certifies that".into(),
            holder: "陈晨".into(),
            completed: "has completed".into(),
            product: "Rust 实战".into(),
            details: "6 lessons".into(),
            verification: "Certificate ABCD-EFGH · verify at http://x/certificates/ABCD-EFGH"
                .into(),
        }
    }

    fn page_text(doc: &Document) -> String {
        let mut doc = doc.clone();
        doc.decompress();
        let page = *doc.get_pages().values().next().unwrap();
        String::from_utf8_lossy(&doc.get_page_content(page)).into_owned()
    }

    #[test]
    fn a_certificate_is_a_one_page_pdf_with_its_verification_line() {
        let bytes = certificate_pdf(&text(), None).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7"));
        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let content = page_text(&doc);
        // Latin text (with its "·") in Helvetica, the Chinese name in STSong as UTF-16.
        assert!(content.contains("(Certificate ABCD-EFGH "), "{content}");
        // The Chinese name is shown in STSong as UTF-16 code units.
        assert!(content.contains("<96486668>"), "{content}");
    }

    #[test]
    fn euros_dashes_and_minus_signs_stay_in_helvetica() {
        // € is byte 0x80 and – 0x96 in WinAnsiEncoding; the minus sign shows as an en
        // dash. Only the ideographs go to STSong.
        let runs = runs("−€2.07 – 税", &Cjk::Song);
        assert_eq!(runs[0].0, LATIN);
        assert_eq!(runs[0].1, b"\x96\x802.07 \x96 ".to_vec());
        assert_eq!(runs[1].0, CJK);
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn a_marked_pdf_carries_the_buyer_on_every_page_and_in_its_metadata() {
        let original = certificate_pdf(&text(), None).unwrap();
        let mark = BuyerMark {
            line: "Licensed to Ana - order 42".into(),
            holder_name: "Ana".into(),
            reference: "order 42".into(),
        };
        let marked = mark_pdf(original.clone(), &mark, None).unwrap();
        let doc = Document::load_mem(&marked).unwrap();
        let content = page_text(&doc);
        assert!(
            content.contains("(Licensed to Ana - order 42) Tj"),
            "{content}"
        );
        assert!(content.starts_with("q\n"));
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .unwrap();
        let info = doc.get_dictionary(info).unwrap();
        assert!(info.has(b"KenningLicensee"));
        // The original text is still there.
        assert!(content.contains("<96486668>"));
    }

    #[test]
    fn what_is_not_a_pdf_is_refused() {
        let mark = BuyerMark {
            line: "x".into(),
            holder_name: "x".into(),
            reference: "x".into(),
        };
        assert!(matches!(
            mark_pdf(b"not a pdf".to_vec(), &mark, None),
            Err(DocumentError::Unreadable(_))
        ));
    }
}
