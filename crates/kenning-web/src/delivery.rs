//! Paid bytes on the wire: `GET /stream/{id}?u=…&e=…&s=…`. The signed link is checked
//! (and the holder's right to the lesson, again) before a byte is read. Single byte
//! ranges are served as 206 with Content-Range, so players can seek; `If-Range` with a
//! stale validator gets the whole file; an unsatisfiable range gets 416. Responses are
//! `private`, so shared caches never keep paid bytes.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentArgs;
use kenning_app::AppError;
use kenning_app::media::{LinkRequest, MarkFacts};
use kenning_domain::ids::MediaId;
use kenning_domain::locale::Locale;
use kenning_domain::media::{ByteRange as Part, Media, requested_range};
use serde::Deserialize;

use askama::Template;

use crate::api::{path_id, public_base};
use crate::context::Ctx;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LinkParams {
    u: Option<String>,
    e: Option<i64>,
    s: Option<String>,
}

fn etag(media: &Media) -> String {
    // Stored files never change, so their id and size identify the bytes.
    format!("\"{}-{}\"", media.id, media.bytes)
}

fn requested_part(headers: &HeaderMap, media: &Media) -> Part {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    requested_range(
        text(header::RANGE),
        text(header::IF_RANGE),
        &etag(media),
        media.bytes,
    )
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The mark on a buyer's copy of a document, in their language.
fn mark_line(state: &AppState, locale: Locale, facts: &MarkFacts) -> String {
    let mut args = FluentArgs::new();
    args.set("name", facts.holder_name.to_owned());
    match facts.order {
        Some(order) => {
            args.set("order", order.to_string());
            state.i18n.message(locale, "mark-line-order", Some(&args))
        }
        None => {
            args.set("account", facts.account.to_string());
            state.i18n.message(locale, "mark-line-account", Some(&args))
        }
    }
}

pub async fn stream(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Query(params): Query<LinkParams>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let link = params.link(path_id(&id)?)?;
    let media = state
        .app
        .open_media_link(&link, &|facts| mark_line(&state, ctx.locale, facts))
        .await?;
    let (status, start, end) = match requested_part(&headers, &media) {
        Part::Unsatisfiable => return Ok(unsatisfiable(&media)),
        Part::Whole => (StatusCode::OK, 0, media.bytes),
        Part::Range(first, last) => (StatusCode::PARTIAL_CONTENT, first, last + 1),
    };
    let body = if end > start {
        Body::from_stream(state.app.media_bytes(&media, start, end).await?)
    } else {
        Body::empty()
    };
    let mut response = (status, media_headers(&media), body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_LENGTH,
        header_value(&(end - start).to_string()),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            header_value(&format!("bytes {start}-{}/{}", end - 1, media.bytes)),
        );
    }
    Ok(response)
}

impl LinkParams {
    /// The signed link these parameters make for `media`; a part missing is no link.
    fn link(self, media: MediaId) -> Result<LinkRequest, AppError> {
        let (Some(holder), Some(expires_at_ms), Some(signature)) = (self.u, self.e, self.s) else {
            return Err(AppError::MediaLinkInvalid);
        };
        Ok(LinkRequest {
            media,
            holder,
            expires_at_ms,
            signature,
        })
    }
}

/// The headers of every answer with a file's bytes, whole or in part.
fn media_headers(media: &Media) -> [(header::HeaderName, HeaderValue); 5] {
    [
        (header::CONTENT_TYPE, header_value(&media.content_type)),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        (header::ETAG, header_value(&etag(media))),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=300, no-transform"),
        ),
        (
            header::CONTENT_DISPOSITION,
            header_value(&format!(
                "inline; filename*=UTF-8''{}",
                urlencode(&media.file_name)
            )),
        ),
    ]
}

/// A range outside the file: says how long the file is.
fn unsatisfiable(media: &Media) -> Response {
    (
        StatusCode::RANGE_NOT_SATISFIABLE,
        [(
            header::CONTENT_RANGE,
            header_value(&format!("bytes */{}", media.bytes)),
        )],
    )
        .into_response()
}

/// One `<item>` of a podcast feed.
struct Episode {
    title: String,
    guid: String,
    link: String,
    url: String,
    bytes: u64,
    content_type: String,
    published: String,
    number: usize,
}

#[derive(Template)]
#[template(path = "podcast.xml", escape = "html")]
struct PodcastTemplate {
    title: String,
    link: String,
    self_url: String,
    description: String,
    language: &'static str,
    author: String,
    episodes: Vec<Episode>,
}

/// RFC 822 dates, as RSS wants them.
fn rfc822(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc2822)
                .ok()
        })
        .unwrap_or_default()
}

/// `GET /feeds/{token}`: a person's private podcast feed of an audio series.
pub async fn podcast(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let feed = state.app.podcast_feed(&token).await?;
    let base = public_base(&state, &headers);
    let p = &feed.product;
    // A feed is read by an app, not a person: the product's own first language.
    let locale = p.languages().first().copied().unwrap_or(ctx.locale);
    let published = rfc822(p.published_at_ms.unwrap_or(p.created_at_ms));
    let template = PodcastTemplate {
        title: p.title.get(locale).to_owned(),
        link: format!("{base}/products/{}", p.id),
        self_url: format!("{base}/feeds/{token}"),
        description: p.description.get(locale).to_owned(),
        language: locale.tag(),
        author: p.creator_name.clone(),
        episodes: feed
            .episodes
            .iter()
            .enumerate()
            .map(|(i, (lesson, link))| Episode {
                title: lesson.title.get(locale).to_owned(),
                guid: lesson.id.to_string(),
                link: format!("{base}/lessons/{}", lesson.id),
                url: format!("{base}{}", link.url),
                bytes: link.media.bytes,
                content_type: link.media.content_type.clone(),
                published: published.clone(),
                number: i + 1,
            })
            .collect(),
    };
    let xml = template
        .render()
        .map_err(|e| HttpError::from_app(&AppError::Internal(e.to_string())))?;
    // Text is checked on the way in; whatever was stored before that still never makes
    // the XML unreadable.
    let xml = kenning_domain::text::strip(&xml, kenning_domain::text::Lines::Many);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/rss+xml; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            ),
        ],
        xml,
    )
        .into_response())
}

/// Percent-encodes a file name for `filename*` (RFC 8187): everything but unreserved
/// ASCII.
fn urlencode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::ids::{LessonId, ProductId};
    use kenning_domain::media::MediaKind;

    fn media(bytes: u64) -> Media {
        Media {
            id: MediaId::new(),
            product_id: ProductId::new(),
            lesson_id: LessonId::new(),
            kind: MediaKind::Audio,
            content_type: "audio/x-wav".into(),
            bytes,
            object_key: "k".into(),
            file_name: "a.wav".into(),
            created_at_ms: 0,
        }
    }

    fn with(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(name.clone(), header_value(value));
        }
        h
    }

    #[test]
    fn ranges_are_read_as_players_send_them() {
        let m = media(1000);
        assert_eq!(requested_part(&HeaderMap::new(), &m), Part::Whole);
        let part = |r: &str| requested_part(&with(&[(header::RANGE, r)]), &m);
        assert_eq!(part("bytes=0-0"), Part::Range(0, 0));
        assert_eq!(part("bytes=100-199"), Part::Range(100, 199));
        assert_eq!(part("bytes=900-"), Part::Range(900, 999));
        assert_eq!(part("bytes=-100"), Part::Range(900, 999));
        assert_eq!(part("bytes=0-5000"), Part::Range(0, 999));
        assert_eq!(part("bytes=1000-1001"), Part::Unsatisfiable);
        assert_eq!(part("bytes=abc"), Part::Unsatisfiable);
        assert_eq!(part("bytes=0-1, 5-6"), Part::Whole);
        let stale = with(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, "\"old\"")]);
        assert_eq!(requested_part(&stale, &m), Part::Whole);
        let fresh = with(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, &etag(&m))]);
        assert_eq!(requested_part(&fresh, &m), Part::Range(0, 9));
    }

    #[test]
    fn file_names_are_encoded_for_the_header() {
        assert_eq!(
            urlencode("第1课 intro.mp4"),
            "%E7%AC%AC1%E8%AF%BE%20intro.mp4"
        );
    }
}
