//! EPUB copies marked for one buyer: the mark goes into the package metadata
//! (`dc:rights` and a `kenning:licensee` meta) and onto a page of its own at the end of
//! the reading order. Every other entry is copied as it is, compressed bytes and all, so
//! `mimetype` stays first and stored.

use std::io::{Cursor, Read, Write};

use kenning_app::ports::{BuyerMark, DocumentError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const PAGE_ID: &str = "kenning-licence";
const PAGE_FILE: &str = "kenning-licence.xhtml";

fn unreadable(e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Unreadable(e.to_string())
}

fn write_error(e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Write(e.to_string())
}

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// Inserts `text` before the closing tag of `element` (with or without a namespace
/// prefix), or fails when the element is not there.
fn insert_before_close(xml: &mut String, element: &str, text: &str) -> Result<(), DocumentError> {
    let plain = format!("</{element}>");
    let at = xml.rfind(&plain).or_else(|| {
        let suffix = format!(":{element}>");
        xml.rfind(&suffix)
            .and_then(|end| xml.get(..end).and_then(|head| head.rfind("</")))
    });
    match at {
        Some(at) => {
            xml.insert_str(at, text);
            Ok(())
        }
        None => Err(DocumentError::Unreadable(format!(
            "no <{element}> in the package"
        ))),
    }
}

/// Where the package document is, from `META-INF/container.xml`.
fn package_path(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<String, DocumentError> {
    let mut container = String::new();
    archive
        .by_name("META-INF/container.xml")
        .map_err(unreadable)?
        .read_to_string(&mut container)
        .map_err(unreadable)?;
    let start = container
        .find("full-path=\"")
        .map(|i| i + "full-path=\"".len())
        .ok_or_else(|| DocumentError::Unreadable("no rootfile".into()))?;
    let rest = container.get(start..).unwrap_or_default();
    let end = rest
        .find('"')
        .ok_or_else(|| DocumentError::Unreadable("no rootfile".into()))?;
    Ok(rest.get(..end).unwrap_or_default().to_owned())
}

fn licence_page(mark: &BuyerMark) -> String {
    let line = escape(&mark.line);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>{line}</title></head>\
         <body><p style=\"margin-top:40%;text-align:center;color:#666;font-size:0.8em\">{line}</p>\
         </body></html>\n"
    )
}

/// Marks an EPUB, into memory.
pub fn mark_epub(original: &[u8], mark: &BuyerMark) -> Result<Vec<u8>, DocumentError> {
    let mut out = Vec::with_capacity(original.len() + 4096);
    write_marked_epub(original, mark, &mut out)?;
    Ok(out)
}

/// Marks an EPUB, writing the copy to `out` entry by entry as it goes: only the package
/// document and the licence page are written anew, every other entry is copied as it is
/// stored (never decompressed), so the copy is never held whole.
pub fn write_marked_epub(
    original: &[u8],
    mark: &BuyerMark,
    out: &mut dyn Write,
) -> Result<(), DocumentError> {
    let mut archive = ZipArchive::new(Cursor::new(original)).map_err(unreadable)?;
    let opf_path = package_path(&mut archive)?;
    let mut opf = String::new();
    archive
        .by_name(&opf_path)
        .map_err(unreadable)?
        .read_to_string(&mut opf)
        .map_err(unreadable)?;
    let line = escape(&mark.line);
    let licensee = escape(&format!("{} · {}", mark.holder_name, mark.reference));
    insert_before_close(
        &mut opf,
        "metadata",
        &format!(
            "<dc:rights xmlns:dc=\"http://purl.org/dc/elements/1.1/\">{line}</dc:rights>\
             <meta name=\"kenning:licensee\" content=\"{licensee}\"/>"
        ),
    )?;
    insert_before_close(
        &mut opf,
        "manifest",
        &format!(
            "<item id=\"{PAGE_ID}\" href=\"{PAGE_FILE}\" media-type=\"application/xhtml+xml\"/>"
        ),
    )?;
    insert_before_close(
        &mut opf,
        "spine",
        &format!("<itemref idref=\"{PAGE_ID}\"/>"),
    )?;
    let page_path = match opf_path.rfind('/') {
        Some(i) => format!("{}/{PAGE_FILE}", opf_path.get(..i).unwrap_or_default()),
        None => PAGE_FILE.to_owned(),
    };

    // A streaming writer: sizes and checksums of new entries follow their data.
    let mut out = ZipWriter::new_stream(out);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(unreadable)?;
        let name = entry.name().to_owned();
        if name == opf_path {
            drop(entry);
            out.start_file(name, deflated).map_err(write_error)?;
            out.write_all(opf.as_bytes()).map_err(write_error)?;
        } else if name == page_path {
            // A copy marked before: its page is replaced below.
        } else {
            out.raw_copy_file(entry).map_err(write_error)?;
        }
    }
    out.start_file(page_path, deflated).map_err(write_error)?;
    out.write_all(licence_page(mark).as_bytes())
        .map_err(write_error)?;
    out.finish().map_err(write_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epub() -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/epub+zip").unwrap();
        w.start_file("META-INF/container.xml", deflated).unwrap();
        w.write_all(br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#).unwrap();
        w.start_file("OEBPS/content.opf", deflated).unwrap();
        w.write_all(br#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tea</dc:title></metadata><manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>"#).unwrap();
        w.start_file("OEBPS/c1.xhtml", deflated).unwrap();
        w.write_all(b"<html><body><p>Chapter one</p></body></html>")
            .unwrap();
        w.finish().unwrap().into_inner()
    }

    fn read(bytes: &[u8], name: &str) -> String {
        let mut a = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        a.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn a_marked_epub_names_its_buyer_in_metadata_and_on_a_page() {
        let mark = BuyerMark {
            line: "售予 陈晨 <chen> · 订单 42".into(),
            holder_name: "陈晨".into(),
            reference: "订单 42".into(),
        };
        let marked = mark_epub(&epub(), &mark).unwrap();
        let opf = read(&marked, "OEBPS/content.opf");
        assert!(opf.contains("<dc:rights"), "{opf}");
        assert!(opf.contains("售予 陈晨 &lt;chen&gt;"), "{opf}");
        assert!(opf.contains("<itemref idref=\"kenning-licence\"/></spine>"));
        assert!(read(&marked, "OEBPS/kenning-licence.xhtml").contains("订单 42"));
        assert_eq!(
            read(&marked, "OEBPS/c1.xhtml"),
            "<html><body><p>Chapter one</p></body></html>"
        );
        // mimetype first and stored, as readers require.
        let mut a = ZipArchive::new(Cursor::new(marked.as_slice())).unwrap();
        let first = a.by_index(0).unwrap();
        assert_eq!(first.name(), "mimetype");
        assert_eq!(first.compression(), CompressionMethod::Stored);
        // Marking a marked copy again leaves one licence page.
        drop(first);
        let again = mark_epub(&marked, &mark).unwrap();
        let a = ZipArchive::new(Cursor::new(again.as_slice())).unwrap();
        assert_eq!(a.file_names().filter(|n| n.ends_with(PAGE_FILE)).count(), 1);
    }

    #[test]
    fn what_is_not_an_epub_is_refused() {
        let mark = BuyerMark {
            line: "x".into(),
            holder_name: "x".into(),
            reference: "x".into(),
        };
        assert!(matches!(
            mark_epub(b"PK nope", &mark),
            Err(DocumentError::Unreadable(_))
        ));
    }
}
