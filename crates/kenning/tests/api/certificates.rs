use std::io::{Cursor, Read, Write};

use kenning_app::ports::CertificateText;
use reqwest::StatusCode;
use reqwest::header::RANGE;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    a_certificate_is_earned_by_finishing_every_lesson_and_anyone_can_verify_it,
    pdf_and_epub_downloads_carry_the_buyers_mark,
);

async fn finish(app: &TestApp, token: &str, lesson: &str) {
    let r = app
        .put(
            &format!("/api/v1/lessons/{lesson}/progress"),
            Some(token),
            json!({"position_ms": 0, "ended": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn a_certificate_is_earned_by_finishing_every_lesson_and_anyone_can_verify_it(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    for lesson in &lessons[..2] {
        finish(app, &buyer, lesson).await;
    }
    let mine = json_of(app.get("/api/v1/me/certificates", Some(&buyer)).await).await;
    assert_eq!(mine, json!([]), "two of three lessons earn nothing");

    finish(app, &buyer, &lessons[2]).await;
    finish(app, &buyer, &lessons[2]).await;
    let mine = json_of(app.get("/api/v1/me/certificates", Some(&buyer)).await).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let code = mine[0]["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(mine[0]["product_id"], product.as_str());
    assert_eq!(mine[0]["lessons"], 3);
    let detail = json_of(
        app.get(&format!("/api/v1/products/{product}"), Some(&buyer))
            .await,
    )
    .await;
    assert_eq!(detail["certificate"], code.as_str());

    // Anyone may verify it, by its code in any case; a wrong code names nothing.
    let checked = json_of(
        app.get(
            &format!("/api/v1/certificates/{}", code.to_lowercase()),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(checked["holder"], "Test");
    assert_eq!(checked["product_title"], "Rust in Practice");
    expect_error(
        app.get("/api/v1/certificates/AAAA-AAAA-AAAA-AAAA", None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.get("/api/v1/certificates/robert'); drop", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let page = app
        .client
        .get(app.url(&format!("/certificates/{code}")))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("结业证书") && page.contains(&code), "{page}");

    // The PDF: one page, the code in its metadata.
    let pdf = app
        .client
        .get(app.url(&format!("/certificates/{code}/pdf")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap_or_default();
    let doc = lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.get_pages().len(), 1);
    assert!(info_text(&doc, b"Keywords").contains(&code));

    // Someone who does not hold the course earns nothing by finishing its preview.
    let stranger = app.learner().await;
    finish(app, &stranger, &lessons[0]).await;
    let theirs = json_of(app.get("/api/v1/me/certificates", Some(&stranger)).await).await;
    assert_eq!(theirs, json!([]));
}

/// A text entry of the document information, decoded from UTF-16.
fn info_text(doc: &lopdf::Document, key: &[u8]) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .unwrap_or_else(|e| panic!("no info: {e}"));
    match info.get(key) {
        Ok(lopdf::Object::String(bytes, _)) => {
            let units: Vec<u16> = bytes
                .get(2..)
                .unwrap_or_default()
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        other => panic!("{other:?}"),
    }
}

fn epub() -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let files: [(&str, &str); 3] = [
        (
            "META-INF/container.xml",
            r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
        ),
        (
            "OEBPS/book.opf",
            r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tea</dc:title></metadata><manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>"#,
        ),
        (
            "OEBPS/c1.xhtml",
            "<html><body><p>Green tea.</p></body></html>",
        ),
    ];
    w.start_file("mimetype", stored)
        .unwrap_or_else(|e| panic!("{e}"));
    w.write_all(b"application/epub+zip")
        .unwrap_or_else(|e| panic!("{e}"));
    for (name, body) in files {
        w.start_file(name, stored).unwrap_or_else(|e| panic!("{e}"));
        w.write_all(body.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    w.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

async fn upload(app: &TestApp, lesson: &str, token: &str, name: &str, body: Vec<u8>) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/lessons/{lesson}/media?name={name}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED, "{name}");
}

async fn download(app: &TestApp, url: &str, range: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut req = app.client.get(app.url(url));
    if let Some(range) = range {
        req = req.header(RANGE, range);
    }
    let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = r.status();
    (status, r.bytes().await.unwrap_or_default().to_vec())
}

async fn links(app: &TestApp, lesson: &str, token: &str) -> Vec<Value> {
    let body = json_of(
        app.get(&format!("/api/v1/lessons/{lesson}"), Some(token))
            .await,
    )
    .await;
    body["media"].as_array().cloned().unwrap_or_default()
}

async fn pdf_and_epub_downloads_carry_the_buyers_mark(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let original = kenning_docs::certificate_pdf(
        &CertificateText {
            title: "Field notes".into(),
            preamble: String::new(),
            holder: String::new(),
            completed: String::new(),
            product: "A handbook".into(),
            details: String::new(),
            verification: String::new(),
        },
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    upload(app, &lessons[1], &creator, "notes.pdf", original.clone()).await;
    upload(app, &lessons[1], &creator, "tea.epub", epub()).await;
    // The studio lists what is attached to each lesson.
    let studio = app
        .client
        .get(app.url(&format!("/studio/products/{product}")))
        .header("cookie", format!("kenning_session={creator}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        studio.contains("data-test=\"lesson-files\"")
            && studio.contains("notes.pdf")
            && studio.contains("tea.epub"),
        "{studio}"
    );

    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let orders = json_of(app.get("/api/v1/orders", Some(&buyer)).await).await;
    let order = orders[0]["id"].as_str().unwrap_or_default().to_owned();
    let media = links(app, &lessons[1], &buyer).await;
    let pdf_url = media
        .iter()
        .find(|m| m["kind"] == "pdf")
        .and_then(|m| m["url"].as_str())
        .unwrap_or_default()
        .to_owned();
    let epub_url = media
        .iter()
        .find(|m| m["kind"] == "epub")
        .and_then(|m| m["url"].as_str())
        .unwrap_or_default()
        .to_owned();

    // The PDF names the buyer and their order, in its metadata and on the page.
    let (status, marked) = download(app, &pdf_url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(marked, original);
    let mut doc = lopdf::Document::load_mem(&marked).unwrap_or_else(|e| panic!("{e}"));
    let licensee = info_text(&doc, b"KenningLicensee");
    assert!(
        licensee.contains("Test") && licensee.contains(&order),
        "{licensee}"
    );
    doc.decompress();
    let page = doc.get_pages().values().next().copied().unwrap_or((0, 0));
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    assert!(content.contains("(Licensed to Test "), "{content}");
    // Ranges come from the same marked copy.
    let (status, head) = download(app, &pdf_url, Some("bytes=0-99")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(head.as_slice(), &marked[..100]);
    let (_, again) = download(app, &pdf_url, None).await;
    assert_eq!(again, marked, "the copy is made once and kept");

    // Another buyer gets their own copy.
    let other = app.learner().await;
    app.buy(&other, &product).await;
    let other_url = links(app, &lessons[1], &other)
        .await
        .iter()
        .find(|m| m["kind"] == "pdf")
        .and_then(|m| m["url"].as_str())
        .unwrap_or_default()
        .to_owned();
    let (_, theirs) = download(app, &other_url, None).await;
    assert_ne!(theirs, marked);

    // The EPUB carries the mark in its package metadata and on a page of its own.
    let (status, book) = download(app, &epub_url, None).await;
    assert_eq!(status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(Cursor::new(book)).unwrap_or_else(|e| panic!("{e}"));
    let mut opf = String::new();
    zip.by_name("OEBPS/book.opf")
        .unwrap_or_else(|e| panic!("{e}"))
        .read_to_string(&mut opf)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(opf.contains("<dc:rights") && opf.contains(&order), "{opf}");
    assert!(zip.by_name("OEBPS/kenning-licence.xhtml").is_ok());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM marked_copies").await,
        3,
        "one copy per buyer and document"
    );
    // Readers still find `mimetype` first and stored in the copy written as a stream.
    let first = zip.by_index(0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.name(), "mimetype");
    assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    drop(first);

    // More buyers than marking jobs (2 on this server) download at once: they wait
    // their turn, and every one gets a copy marked for them.
    let mut buyers = Vec::new();
    for _ in 0..6 {
        let token = app.learner().await;
        app.buy(&token, &product).await;
        let url = links(app, &lessons[1], &token)
            .await
            .iter()
            .find(|m| m["kind"] == "epub")
            .and_then(|m| m["url"].as_str())
            .unwrap_or_default()
            .to_owned();
        let orders = json_of(app.get("/api/v1/orders", Some(&token)).await).await;
        buyers.push((url, orders[0]["id"].as_str().unwrap_or_default().to_owned()));
    }
    let copies =
        futures::future::join_all(buyers.iter().map(|(url, _)| download(app, url, None))).await;
    for ((_, order), (status, book)) in buyers.iter().zip(copies) {
        assert_eq!(status, StatusCode::OK);
        let mut zip = zip::ZipArchive::new(Cursor::new(book)).unwrap_or_else(|e| panic!("{e}"));
        let mut opf = String::new();
        zip.by_name("OEBPS/book.opf")
            .unwrap_or_else(|e| panic!("{e}"))
            .read_to_string(&mut opf)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(opf.contains(order.as_str()), "{opf}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM marked_copies").await, 9);
}
