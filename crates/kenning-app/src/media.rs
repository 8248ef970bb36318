//! Lesson media: streamed uploads checked by their bytes, and delivery through
//! short-lived signed links that are checked again, with the holder's rights, on every
//! request.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use futures::StreamExt;
use hmac::{Hmac, KeyInit, Mac};
use kenning_domain::catalog::{Lesson, can_edit_product};
use kenning_domain::ids::{AccountId, LessonId, MediaId, OrderId};
use kenning_domain::media::{Media, MediaKind};
use sha2::Sha256;

use crate::accounts::{CurrentUser, random_token};
use crate::ports::{BuyerMark, ByteStream, PutStreamError, StorageError};
use crate::{AppError, Kenning};

/// Bytes read before deciding what a file is.
const SNIFF_BYTES: usize = 4096;
/// Longest file name kept (the last path segment of what the uploader sent).
const MAX_FILE_NAME_CHARS: usize = 200;
/// The shared secret that signs media links.
const LINK_SECRET: &str = "media_links";

/// What a buyer's mark says, for the web layer to put into words.
pub struct MarkFacts<'a> {
    pub holder_name: &'a str,
    /// The order the document was bought with (none for grants and creators).
    pub order: Option<OrderId>,
    pub account: AccountId,
}

/// Who a link was issued to: a person, or anyone (free previews).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkHolder {
    Person(AccountId),
    Anyone,
}

impl LinkHolder {
    pub fn as_param(&self) -> String {
        match self {
            LinkHolder::Person(id) => id.to_string(),
            LinkHolder::Anyone => "public".to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<LinkHolder> {
        if s == "public" {
            return Some(LinkHolder::Anyone);
        }
        s.parse().ok().map(LinkHolder::Person)
    }
}

/// A signed, expiring address of a media file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaLink {
    pub media: Media,
    /// Path and query, e.g. `/stream/{id}?u=…&e=…&s=…`.
    pub url: String,
    pub expires_at_ms: i64,
}

/// What the holder of a link asks for.
#[derive(Clone, Debug)]
pub struct LinkRequest {
    pub media: MediaId,
    pub holder: String,
    pub expires_at_ms: i64,
    pub signature: String,
}

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 of `message`, URL-safe base64.
pub(crate) fn mac(key: &[u8], message: &str) -> Result<String, AppError> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|e| AppError::Internal(e.to_string()))?;
    mac.update(message.as_bytes());
    Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Compares two signatures in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn signed_message(media: MediaId, holder: &str, expires_at_ms: i64) -> String {
    format!("kenning-media-link\n{media}\n{holder}\n{expires_at_ms}")
}

/// The signature of a link to `media` for `holder` until `expires_at_ms`, with `key`.
pub fn sign_link(
    key: &[u8],
    media: MediaId,
    holder: &str,
    expires_at_ms: i64,
) -> Result<String, AppError> {
    mac(key, &signed_message(media, holder, expires_at_ms))
}

/// Reads a link as it arrives (every part chosen by whoever sent it): it must be
/// unexpired at `now_ms`, signed with `key`, and made out to a person or to anyone.
/// Answers whom; any failure is the same "invalid link".
pub fn check_link(key: &[u8], link: &LinkRequest, now_ms: i64) -> Result<LinkHolder, AppError> {
    if link.expires_at_ms <= now_ms {
        return Err(AppError::MediaLinkInvalid);
    }
    let expected = sign_link(key, link.media, &link.holder, link.expires_at_ms)?;
    if !same(&expected, &link.signature) {
        return Err(AppError::MediaLinkInvalid);
    }
    LinkHolder::parse(&link.holder).ok_or(AppError::MediaLinkInvalid)
}

/// What an uploaded file is, from its first bytes (never its name): a type Kenning
/// delivers, or `UnsupportedMedia`.
pub fn recognise_media(head: &[u8]) -> Result<(&'static str, MediaKind), AppError> {
    let content_type = infer::get(head)
        .map(|t| t.mime_type())
        .ok_or(AppError::UnsupportedMedia)?;
    let kind = MediaKind::of_content_type(content_type).ok_or(AppError::UnsupportedMedia)?;
    Ok((content_type, kind))
}

/// The last path segment of an uploaded file's name, trimmed to a sane length.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    if name.is_empty() {
        "file".to_owned()
    } else {
        name
    }
}

impl Kenning {
    /// The key every node signs links with (created once, shared through the store).
    pub(crate) async fn link_key(&self) -> Result<&[u8], AppError> {
        let key = self
            .media_key
            .get_or_try_init(|| async {
                let candidate = random_token()?;
                let secret = self.store.secret(LINK_SECRET, &candidate).await?;
                Ok::<_, AppError>(secret.into_bytes())
            })
            .await?;
        Ok(key.as_slice())
    }

    async fn sign(
        &self,
        media: MediaId,
        holder: &str,
        expires_at_ms: i64,
    ) -> Result<String, AppError> {
        sign_link(self.link_key().await?, media, holder, expires_at_ms)
    }

    /// The signed address of a media file for `holder`, valid until `expires_at_ms`.
    pub async fn signed_media_url(
        &self,
        media: MediaId,
        holder: LinkHolder,
        expires_at_ms: i64,
    ) -> Result<String, AppError> {
        let who = holder.as_param();
        let signature = self.sign(media, &who, expires_at_ms).await?;
        Ok(format!(
            "/stream/{media}?u={who}&e={expires_at_ms}&s={signature}"
        ))
    }

    /// A link to `media` for `holder`, valid until `expires_at_ms`.
    pub async fn media_link_until(
        &self,
        media: &Media,
        holder: LinkHolder,
        expires_at_ms: i64,
    ) -> Result<MediaLink, AppError> {
        Ok(MediaLink {
            media: media.clone(),
            url: self
                .signed_media_url(media.id, holder, expires_at_ms)
                .await?,
            expires_at_ms,
        })
    }

    /// Links to a lesson's media for someone already allowed to read the lesson.
    pub(crate) async fn lesson_links(
        &self,
        lesson: &Lesson,
        user: Option<&CurrentUser>,
    ) -> Result<Vec<MediaLink>, AppError> {
        let holder = match user {
            Some(u) => LinkHolder::Person(u.account.id),
            None => LinkHolder::Anyone,
        };
        let expires = self.now_ms().saturating_add(self.settings.media_link_ms);
        let mut links = Vec::new();
        for media in self.store.lesson_media(lesson.id).await? {
            links.push(self.media_link_until(&media, holder, expires).await?);
        }
        Ok(links)
    }

    /// Checks a link (signature, expiry) and, again, that its holder may read the lesson
    /// now; answers the media it points to. Any failure is the same "invalid link".
    /// A PDF or EPUB made out to a person is their marked copy (made on first use, in
    /// the words `wording` gives).
    pub async fn open_media_link(
        &self,
        link: &LinkRequest,
        wording: &(dyn Fn(&MarkFacts) -> String + Send + Sync),
    ) -> Result<Media, AppError> {
        let holder = check_link(self.link_key().await?, link, self.now_ms())?;
        let media = self
            .store
            .media(link.media)
            .await?
            .ok_or(AppError::MediaLinkInvalid)?;
        // The same rule as reading the lesson, for whoever the link was made out to:
        // rights can end after a link is made.
        let user = match holder {
            LinkHolder::Anyone => None,
            LinkHolder::Person(id) => Some(CurrentUser {
                account: self
                    .store
                    .account_by_id(id)
                    .await?
                    .ok_or(AppError::MediaLinkInvalid)?,
            }),
        };
        match self.readable_lesson(media.lesson_id, user.as_ref()).await {
            Ok(_) => {}
            Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
            Err(_) => return Err(AppError::MediaLinkInvalid),
        }
        match user {
            Some(reader) if media.kind.is_document() => {
                self.marked_copy(media, &reader, wording).await
            }
            _ => Ok(media),
        }
    }

    /// The reader's own copy of a document, marked with their name and order so a
    /// leaked copy can be traced. Made once, on the first download, and kept in storage
    /// beside the original (so later requests, ranges included, stream it like any
    /// file). Marking holds the document in memory, so it is bounded: originals above
    /// `max_marked_document_bytes` are refused at upload, and at most `marking_jobs`
    /// copies are made at once in a process (later downloads wait their turn).
    async fn marked_copy(
        &self,
        media: Media,
        reader: &CurrentUser,
        wording: &(dyn Fn(&MarkFacts) -> String + Send + Sync),
    ) -> Result<Media, AppError> {
        let account = reader.account.id;
        if let Some((object_key, bytes)) = self.store.marked_copy(media.id, account).await? {
            return Ok(Media {
                object_key,
                bytes,
                ..media
            });
        }
        if media.bytes > self.settings.max_marked_document_bytes {
            // Uploaded before the cap (or under a larger one): the buyer still gets it.
            tracing::warn!(media = %media.id, bytes = media.bytes, "document too large to mark");
            return Ok(media);
        }
        let _permit = self
            .marking
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // Another download of the same copy may have made it while this one waited.
        if let Some((object_key, bytes)) = self.store.marked_copy(media.id, account).await? {
            return Ok(Media {
                object_key,
                bytes,
                ..media
            });
        }
        let order = self
            .store
            .entitlement_order(account, media.product_id)
            .await?;
        let facts = MarkFacts {
            holder_name: reader.account.display_name.as_str(),
            order,
            account,
        };
        let mark = BuyerMark {
            line: wording(&facts),
            holder_name: facts.holder_name.to_owned(),
            reference: order.map_or_else(|| account.to_string(), |o| o.to_string()),
        };
        let mut original = Vec::with_capacity(usize::try_from(media.bytes).unwrap_or(0));
        let mut chunks = self
            .media
            .get_range(&media.object_key, 0, media.bytes)
            .await?;
        while let Some(chunk) = chunks.next().await {
            original.extend_from_slice(&chunk?);
        }
        // The copy streams to storage as it is written (a blocking thread marks, this
        // task stores), so it is never held whole beside the original.
        let documents = self.documents.clone();
        let kind = media.kind;
        let (chunks, written) = tokio::sync::mpsc::channel::<Result<Bytes, StorageError>>(4);
        let marking = tokio::task::spawn_blocking(move || {
            let mut out = ChunkWriter::new(chunks);
            let marked = documents.mark(kind, original, &mark, &mut out);
            out.finish(marked.as_ref().err().map(ToString::to_string));
            marked
        });
        let key = format!("marked/{}/{}.{}", media.id, account, media.kind.as_str());
        let body: ByteStream = futures::stream::unfold(written, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        })
        .boxed();
        let stored = self.media.put_stream(&key, body, u64::MAX).await;
        let marked = marking
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if let Err(e) = marked {
            // A file the marker cannot read (damaged, encrypted) still reaches the
            // person who paid for it, unmarked; the operator hears about it.
            tracing::warn!(media = %media.id, error = %e, "document not marked");
            return Ok(media);
        }
        let bytes = match stored {
            Ok(bytes) => bytes,
            Err(PutStreamError::TooLarge) => {
                return Err(AppError::Internal("marked copy too large".into()));
            }
            Err(PutStreamError::Failed(e)) => return Err(e.into()),
        };
        let (object_key, bytes) = self
            .store
            .insert_marked_copy(media.id, account, &key, bytes, self.now_ms())
            .await?;
        Ok(Media {
            object_key,
            bytes,
            ..media
        })
    }

    /// The files attached to a product's lessons, for its creator or an admin (the
    /// studio lists them).
    pub async fn product_files(
        &self,
        user: &CurrentUser,
        product: kenning_domain::ids::ProductId,
    ) -> Result<Vec<Media>, AppError> {
        self.editable_product(user, product).await?;
        Ok(self.store.product_media(product).await?)
    }

    /// The bytes `start..end` of a media file already opened with a valid link.
    pub async fn media_bytes(
        &self,
        media: &Media,
        start: u64,
        end: u64,
    ) -> Result<ByteStream, AppError> {
        self.media
            .get_range(&media.object_key, start, end)
            .await
            .map_err(AppError::from)
    }

    /// Attaches a file to a lesson (its product's creator or an admin). The body is
    /// streamed to storage, never held whole; what it is comes from its first bytes,
    /// not its name, and each kind has a size limit.
    pub async fn upload_media(
        &self,
        user: &CurrentUser,
        lesson_id: LessonId,
        file_name: &str,
        mut body: ByteStream,
    ) -> Result<Media, AppError> {
        let lesson = self
            .store
            .lesson(lesson_id)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        let product = self
            .store
            .product(lesson.product_id)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        if !can_edit_product(&product, user.viewer()) {
            return Err(if product.is_published() {
                AppError::Forbidden
            } else {
                AppError::NotFound("lesson")
            });
        }
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        while head.len() < SNIFF_BYTES {
            match body.next().await {
                Some(Ok(chunk)) => head.extend_from_slice(&chunk),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            }
        }
        let (content_type, kind) = recognise_media(&head)?;
        let kind_max = kind.default_max_bytes().min(self.settings.max_media_bytes);
        // Documents are marked in memory for each buyer: their own, smaller cap.
        let document_max = Some(self.settings.max_marked_document_bytes)
            .filter(|cap| kind.is_document() && *cap < kind_max);
        let max = document_max.unwrap_or(kind_max);
        let id = MediaId::new();
        let object_key = format!("media/{}/{id}", product.id);
        let whole: ByteStream = futures::stream::once(async move { Ok(Bytes::from(head)) })
            .chain(body)
            .boxed();
        let bytes = match self.media.put_stream(&object_key, whole, max).await {
            Ok(n) => n,
            Err(PutStreamError::TooLarge) => {
                return Err(match document_max {
                    Some(max_bytes) => AppError::DocumentTooLarge { max_bytes },
                    None => AppError::UploadTooLarge {
                        max_bytes: usize::try_from(max).unwrap_or(usize::MAX),
                    },
                });
            }
            Err(PutStreamError::Failed(e)) => return Err(e.into()),
        };
        let media = Media {
            id,
            product_id: product.id,
            lesson_id,
            kind,
            content_type: content_type.to_owned(),
            bytes,
            object_key,
            file_name: clean_file_name(file_name),
            created_at_ms: self.now_ms(),
        };
        self.store.insert_media(&media).await?;
        Ok(media)
    }
}

/// A `Write` for a blocking thread that sends what is written, in chunks of 64 KiB, to
/// an async task; an error ends the stream with an error, so nothing partial is kept.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, StorageError>>,
    buf: Vec<u8>,
}

const CHUNK_BYTES: usize = 64 * 1024;

impl ChunkWriter {
    fn new(tx: tokio::sync::mpsc::Sender<Result<Bytes, StorageError>>) -> ChunkWriter {
        ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK_BYTES),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("storage stopped reading"))
    }

    /// Sends the rest, or the error that ends the stream.
    fn finish(mut self, error: Option<String>) {
        let _ = match error {
            None => self.send().map_err(|_| ()),
            Some(e) => self
                .tx
                .blocking_send(Err(StorageError::Interrupted(e)))
                .map_err(|_| ()),
        };
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn holders_round_trip_and_file_names_are_cleaned() {
        let id = AccountId::new();
        for h in [LinkHolder::Person(id), LinkHolder::Anyone] {
            assert_eq!(LinkHolder::parse(&h.as_param()), Some(h));
        }
        assert_eq!(LinkHolder::parse("someone"), None);
        assert_eq!(clean_file_name("C:\\\\videos\\\\intro.mp4"), "intro.mp4");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("  "), "file");
        assert_eq!(clean_file_name(&"a".repeat(500)).len(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn uploads_are_recognised_by_their_bytes() {
        assert_eq!(
            recognise_media(b"%PDF-1.7\n").ok(),
            Some(("application/pdf", MediaKind::Pdf))
        );
        assert!(matches!(
            recognise_media(b"<html>"),
            Err(AppError::UnsupportedMedia)
        ));
        assert!(matches!(
            recognise_media(b""),
            Err(AppError::UnsupportedMedia)
        ));
    }

    const KEY: &[u8] = b"a key of the link signer";
    const NOW_MS: i64 = 1_790_000_000_000;

    fn holder() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("public".to_owned()),
            any::<u128>().prop_map(|n| AccountId::from_uuid(uuid::Uuid::from_u128(n)).to_string()),
            "\\PC{0,40}",
        ]
    }

    proptest! {
        #[test]
        fn an_uploaded_file_name_keeps_no_path_nor_control_character(
            raw in prop_oneof!["[a-z./\\\\ \t\u{0}-\u{1f}\u{7f}-\u{9f}]{0,40}", "\\PC{0,300}", "\\PC*"],
        ) {
            let name = clean_file_name(&raw);
            prop_assert!(!name.is_empty());
            prop_assert!(!name.contains(['/', '\\']), "{raw:?} gave {name:?}");
            prop_assert!(!name.chars().any(char::is_control), "{raw:?} gave {name:?}");
            prop_assert!(name.chars().count() <= MAX_FILE_NAME_CHARS);
        }

        #[test]
        fn a_signed_link_opens_until_it_expires(
            media in any::<u128>(),
            holder in holder(),
            expires in any::<i64>(),
        ) {
            let media = MediaId::from_uuid(uuid::Uuid::from_u128(media));
            let signature = sign_link(KEY, media, &holder, expires).unwrap();
            let link = LinkRequest { media, holder: holder.clone(), expires_at_ms: expires, signature };
            let read = check_link(KEY, &link, NOW_MS);
            if expires <= NOW_MS || LinkHolder::parse(&holder).is_none() {
                prop_assert!(matches!(read, Err(AppError::MediaLinkInvalid)));
            } else {
                prop_assert_eq!(read.ok(), LinkHolder::parse(&holder));
            }
        }

        #[test]
        fn a_link_whose_parts_were_changed_is_refused(
            media in any::<u128>(),
            holder in holder(),
            expires in NOW_MS + 1..i64::MAX,
            forged in "[A-Za-z0-9_-]{0,50}",
            other_expires in NOW_MS + 1..i64::MAX,
        ) {
            let media = MediaId::from_uuid(uuid::Uuid::from_u128(media));
            let signature = sign_link(KEY, media, &holder, expires).unwrap();
            let read = |holder: &str, expires_at_ms: i64, signature: &str| {
                check_link(KEY, &LinkRequest {
                    media,
                    holder: holder.to_owned(),
                    expires_at_ms,
                    signature: signature.to_owned(),
                }, NOW_MS)
            };
            if forged != signature {
                prop_assert!(read(&holder, expires, &forged).is_err());
            }
            if other_expires != expires {
                prop_assert!(read(&holder, other_expires, &signature).is_err());
            }
            prop_assert_eq!(read("public", expires, &signature).is_ok(), holder == "public");
            let elsewhere = LinkRequest { media, holder: holder.clone(), expires_at_ms: expires, signature };
            prop_assert!(check_link(b"another key", &elsewhere, NOW_MS).is_err());
        }
    }
}
