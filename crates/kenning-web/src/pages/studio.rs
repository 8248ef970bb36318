//! The creator dashboard: create products, add chapters and lessons, upload a cover,
//! publish and unpublish.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::{Bytes, BytesMut};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use kenning_app::AppError;
use kenning_app::accounts::CurrentUser;
use kenning_app::catalog::NewLesson;
use kenning_app::ports::StorageError;
use kenning_domain::DomainError;
use kenning_domain::catalog::{
    PriceList, Product, ProductDraft, ProductKind, ProductStatus, Release,
};
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::live::LiveSchedule;
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm, same_token, utc_day, utc_minute};
use super::{Page, ok, render};
use crate::api::path_id;
use crate::context::{RequestContext, SignedIn};
use crate::error::{ErrorReport, HttpError};
use crate::state::AppState;

/// A row of the dashboard.
pub struct Row {
    id: String,
    title: String,
    kind: String,
    status: String,
    price: String,
}

#[derive(Template)]
#[template(path = "studio.html")]
struct StudioTemplate<'a> {
    page: Page<'a>,
    rows: Vec<Row>,
}

/// After a studio form: back to the product's studio page.
pub(crate) fn back_to(id: ProductId) -> Redirect {
    Redirect::to(&format!("/studio/products/{id}"))
}

pub async fn dashboard(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    let products = state.app.my_products(&user).await?;
    let page = Page::new(&state, &ctx, "studio-title");
    let rows = products
        .iter()
        .map(|p| Row {
            id: p.id.to_string(),
            title: p.title.get(ctx.locale).to_owned(),
            kind: page.kind(&p.kind),
            status: page.t(&format!("status-{}", p.status.as_str())),
            price: super::price_label(&page, p, &[]),
        })
        .collect();
    ok(&StudioTemplate { page, rows })
}

/// The product form's fields, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    description_zh: String,
    #[serde(default)]
    price_cny: String,
    #[serde(default)]
    price_usd: String,
    #[serde(default)]
    tags: String,
}

impl ProductForm {
    fn from_product(p: &Product) -> ProductForm {
        let price = |c: Currency| {
            p.prices
                .in_currency(c)
                .map(|m| m.major_digits())
                .unwrap_or_default()
        };
        ProductForm {
            kind: p.kind.as_str().to_owned(),
            title_en: p.title.exact(Locale::En).unwrap_or_default().to_owned(),
            title_zh: p.title.exact(Locale::ZhCn).unwrap_or_default().to_owned(),
            description_en: p
                .description
                .exact(Locale::En)
                .unwrap_or_default()
                .to_owned(),
            description_zh: p
                .description
                .exact(Locale::ZhCn)
                .unwrap_or_default()
                .to_owned(),
            price_cny: price(Currency::CNY),
            price_usd: price(Currency::USD),
            tags: p.tags.join(", "),
        }
    }

    fn draft(&self) -> Result<ProductDraft, DomainError> {
        let mut prices = Vec::new();
        for (text, currency) in [
            (&self.price_cny, Currency::CNY),
            (&self.price_usd, Currency::USD),
        ] {
            if !text.trim().is_empty() {
                prices.push(Money::parse_major(text, currency)?);
            }
        }
        Ok(ProductDraft {
            kind: self.kind.parse()?,
            title: LocalizedText::from_pairs([
                (Locale::En, self.title_en.as_str()),
                (Locale::ZhCn, self.title_zh.as_str()),
            ]),
            description: LocalizedText::from_pairs([
                (Locale::En, self.description_en.as_str()),
                (Locale::ZhCn, self.description_zh.as_str()),
            ]),
            prices: PriceList::new(prices)?,
            tags: self.tags.split(',').map(str::to_owned).collect(),
        })
    }
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductFormTemplate<'a> {
    page: Page<'a>,
    action: String,
    form: ProductForm,
    kinds: Vec<(&'static str, String)>,
    error: Option<String>,
}

fn form_page(
    state: &AppState,
    ctx: &RequestContext,
    action: String,
    form: ProductForm,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let title = if action.ends_with("/products") {
        "studio-new-product"
    } else {
        "studio-details"
    };
    let page = Page::new(state, ctx, title);
    let kinds = ProductKind::ALL
        .iter()
        .map(|k| (k.as_str(), page.kind(k)))
        .collect();
    render(
        status,
        &ProductFormTemplate {
            page,
            action,
            form,
            kinds,
            error,
        },
    )
}

fn require_creator(user: &CurrentUser) -> Result<(), HttpError> {
    if user.account.role.can_create_products() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

pub async fn new_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    require_creator(&user)?;
    let form = ProductForm {
        kind: ProductKind::Course.as_str().to_owned(),
        ..ProductForm::default()
    };
    Ok(form_page(
        &state,
        &ctx,
        "/studio/products".into(),
        form,
        StatusCode::OK,
        None,
    ))
}

/// Shows an invalid form again with its message; other errors go to the error page.
fn invalid_form(
    state: &AppState,
    ctx: &RequestContext,
    action: String,
    form: ProductForm,
    error: AppError,
) -> Result<Response, HttpError> {
    match error {
        AppError::Invalid(_) => {
            let report = HttpError::from_app(&error);
            let message = report.message(&state.i18n, ctx.locale);
            Ok(form_page(
                state,
                ctx,
                action,
                form,
                report.status,
                Some(message),
            ))
        }
        other => Err(other.into()),
    }
}

pub async fn create_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, HttpError> {
    require_creator(&user)?;
    let action = "/studio/products".to_owned();
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => return invalid_form(&state, &ctx, action, form, e.into()),
    };
    match state.app.create_product(&user, draft).await {
        Ok(p) => Ok(Redirect::to(&format!("/studio/products/{}", p.id)).into_response()),
        Err(e) => invalid_form(&state, &ctx, action, form, e),
    }
}

pub async fn update_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let action = format!("/studio/products/{id}");
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => return invalid_form(&state, &ctx, action, form, e.into()),
    };
    match state.app.update_product(&user, id, draft).await {
        Ok(p) => Ok(Redirect::to(&format!("/studio/products/{}", p.id)).into_response()),
        Err(e) => invalid_form(&state, &ctx, action, form, e),
    }
}

#[derive(Template)]
#[template(path = "studio_product.html")]
struct EditTemplate<'a> {
    page: Page<'a>,
    id: String,
    status: String,
    published: bool,
    form: ProductForm,
    kinds: Vec<(&'static str, String)>,
    chapters: Vec<(String, String)>,
    sections: Vec<super::storefront::Section>,
    cover_url: Option<String>,
    max_cover_mb: i64,
    /// The schedule form, for live-session products.
    live: Option<LiveForm>,
    /// The creator's other products (a live session may come with one of them).
    other_products: Vec<(String, String)>,
    /// For a membership tier: (interval, all of the creator, granted product ids).
    membership: Option<(String, bool, Vec<String>)>,
    /// For a bundle: the ids of the products it holds.
    bundle: Option<Vec<String>>,
    /// The running sale: (percent, ends at as shown).
    sale: Option<(i64, String)>,
    /// Co-creators as the form shows them: one "e-mail percent" per line.
    cocreators: String,
}

/// The live-session schedule as the studio form shows and sends it.
#[derive(Default, Deserialize)]
pub struct LiveForm {
    /// `YYYY-MM-DDTHH:MM` from a datetime-local input, taken as UTC.
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    stream_url: String,
    #[serde(default)]
    included_in: String,
}

impl LiveForm {
    fn from_schedule(s: &LiveSchedule) -> LiveForm {
        let starts_at = crate::api::types::timestamp(s.starts_at_ms)
            .chars()
            .take(16)
            .collect();
        LiveForm {
            starts_at,
            duration_minutes: s.duration_minutes.to_string(),
            capacity: s.capacity.map(|c| c.to_string()).unwrap_or_default(),
            stream_url: s.stream_url.clone(),
            included_in: s.included_in.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    fn to_schedule(&self, id: ProductId) -> Result<LiveSchedule, HttpError> {
        let invalid = || HttpError::from(DomainError::InvalidLiveSchedule);
        let starts_at_ms = utc_minute(&self.starts_at).ok_or_else(invalid)?;
        let capacity = match self.capacity.trim() {
            "" => None,
            n => Some(n.parse().map_err(|_| invalid())?),
        };
        let included_in = match self.included_in.trim() {
            "" => None,
            p => Some(path_id::<ProductId>(p)?),
        };
        Ok(LiveSchedule {
            product_id: id,
            starts_at_ms,
            duration_minutes: self
                .duration_minutes
                .trim()
                .parse()
                .map_err(|_| invalid())?,
            capacity,
            stream_url: self.stream_url.clone(),
            included_in,
        })
    }
}

/// The membership form: `interval`, `all_of_creator` and one `product` per ticked box.
pub async fn save_membership(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let interval = field("interval").unwrap_or_default().parse()?;
    let products = fields
        .iter()
        .filter(|(k, _)| k == "product")
        .map(|(_, v)| path_id::<ProductId>(v))
        .collect::<Result<Vec<_>, _>>()?;
    state
        .app
        .set_membership_plan(
            &user,
            id,
            interval,
            field("all_of_creator").is_some(),
            products,
        )
        .await?;
    Ok(back_to(id))
}

#[derive(Deserialize)]
pub struct SaleForm {
    #[serde(default)]
    percent: String,
    /// `YYYY-MM-DDTHH:MM` from a datetime-local input, taken as UTC.
    #[serde(default)]
    ends_at: String,
}

/// Starts a time-limited sale.
pub async fn start_sale(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<SaleForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let invalid = || HttpError::from(DomainError::InvalidSale);
    let percent: u16 = form.percent.trim().parse().map_err(|_| invalid())?;
    let sale = kenning_domain::sale::Sale {
        bps: percent.saturating_mul(100),
        ends_at_ms: utc_minute(&form.ends_at).ok_or_else(invalid)?,
    };
    state.app.set_sale(&user, id, Some(sale)).await?;
    Ok(back_to(id))
}

/// Ends a sale now.
pub async fn end_sale(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.set_sale(&user, id, None).await?;
    Ok(back_to(id))
}

/// The bundle form: one `product` per ticked box.
pub async fn save_bundle(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let items = fields
        .iter()
        .filter(|(k, _)| k == "product")
        .map(|(_, v)| path_id::<ProductId>(v))
        .collect::<Result<Vec<_>, _>>()?;
    state.app.set_bundle_items(&user, id, items).await?;
    Ok(back_to(id))
}

pub async fn schedule_live(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LiveForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state
        .app
        .schedule_live(&user, id, form.to_schedule(id)?)
        .await?;
    Ok(back_to(id))
}

pub async fn edit_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let detail = state.app.product_detail(id, Some(&user)).await?;
    if !detail.editable {
        return Err(AppError::Forbidden.into());
    }
    let p = &detail.product;
    let page = Page::new(&state, &ctx, "studio-title").with_title(p.title.get(ctx.locale));
    let kinds = ProductKind::ALL
        .iter()
        .map(|k| (k.as_str(), page.kind(k)))
        .collect();
    let membership = if p.kind == ProductKind::Membership {
        let plan = state.app.membership_plan(p).await?;
        Some((
            plan.interval.as_str().to_owned(),
            plan.all_of_creator,
            plan.products.iter().map(ToString::to_string).collect(),
        ))
    } else {
        None
    };
    let bundle = if p.kind == ProductKind::Bundle {
        Some(
            state
                .app
                .bundle_contents(id)
                .await?
                .iter()
                .map(|b| b.id.to_string())
                .collect(),
        )
    } else {
        None
    };
    let grants_others = matches!(
        p.kind,
        ProductKind::LiveSession | ProductKind::Membership | ProductKind::Bundle
    );
    let (live, other_products) = if grants_others {
        let live = match state.app.live_room(id, Some(&user)).await {
            Ok(room) => LiveForm::from_schedule(&room.schedule),
            Err(AppError::NotFound(_)) => LiveForm::default(),
            Err(e) => return Err(e.into()),
        };
        let others = state
            .app
            .my_products(&user)
            .await?
            .into_iter()
            .filter(|o| {
                o.id != id
                    && o.creator_id == p.creator_id
                    && !matches!(o.kind, ProductKind::Membership | ProductKind::Bundle)
            })
            .map(|o| (o.id.to_string(), o.title.get(ctx.locale).to_owned()))
            .collect();
        let live = (p.kind == ProductKind::LiveSession).then_some(live);
        (live, others)
    } else {
        (None, Vec::new())
    };
    let files = state.app.product_files(&user, id).await?;
    let mut sections = super::storefront::sections(&page, &detail);
    for line in sections.iter_mut().flat_map(|s| s.lessons.iter_mut()) {
        line.files = files
            .iter()
            .filter(|m| m.lesson_id.to_string() == line.id)
            .map(|m| {
                let kib = m.bytes.div_ceil(1024);
                let size = if kib >= 1024 {
                    let tenths = m.bytes.saturating_mul(10) / 1_048_576;
                    page.t_s(
                        "file-size-mb",
                        "size",
                        &format!("{}.{}", tenths / 10, tenths % 10),
                    )
                } else {
                    page.t_s("file-size-kb", "size", &kib.to_string())
                };
                (m.kind.as_str(), m.file_name.clone(), size)
            })
            .collect();
    }
    super::storefront::mark_sold_alone(
        &page,
        &mut sections,
        &state.app.lesson_prices_of(p).await?,
        &[],
    );
    let cocreators = state
        .app
        .cocreators(&user, id)
        .await?
        .iter()
        .map(|(share, email)| {
            format!(
                "{} {}",
                email.as_str(),
                kenning_domain::money::bps_to_percent(share.bps)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let template = EditTemplate {
        cocreators,
        sale: detail
            .sale
            .map(|s| (i64::from(s.bps / 100), page.datetime(&s.ends_at_ms))),
        bundle,
        membership,
        live,
        other_products,
        id: p.id.to_string(),
        status: page.t(&format!("status-{}", p.status.as_str())),
        published: p.status == ProductStatus::Published,
        form: ProductForm::from_product(p),
        kinds,
        chapters: detail
            .chapters
            .iter()
            .map(|c| (c.id.to_string(), c.title.get(ctx.locale).to_owned()))
            .collect(),
        sections,
        cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
        max_cover_mb: i64::try_from(state.app.settings().max_cover_bytes / (1024 * 1024))
            .unwrap_or(0),
        page,
    };
    ok(&template)
}

/// The cover upload: a multipart form with the token and the file.
pub async fn upload_cover(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let too_large = || {
        HttpError::from_app(&AppError::UploadTooLarge {
            max_bytes: state.app.settings().max_cover_bytes,
        })
    };
    let mut token = String::new();
    let mut file = BytesMut::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(|_| too_large())?,
            Some("cover") => {
                if !same_token(&token, &ctx.csrf) {
                    return Err(ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed"));
                }
                // Read in chunks and stop as soon as the limit is passed.
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    file.extend_from_slice(&chunk);
                    if file.len() > state.app.settings().max_cover_bytes {
                        return Err(too_large());
                    }
                }
            }
            _ => {}
        }
    }
    if !same_token(&token, &ctx.csrf) {
        return Err(ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed"));
    }
    state.app.set_cover(&user, id, file.freeze()).await?;
    Ok(Redirect::to(&format!("/studio/products/{id}")).into_response())
}

/// A lesson file from the studio: a multipart form with the token first, then the file,
/// whose bytes are passed on to storage as they arrive (never gathered in memory).
pub async fn upload_media(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let unreadable = || ErrorReport::new(StatusCode::BAD_REQUEST, "invalid_request");
    let mut token = String::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(|_| unreadable())?,
            Some("file") => {
                if !same_token(&token, &ctx.csrf) {
                    return Err(ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed"));
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                // The field borrows the request, so a small channel hands its chunks to
                // the upload, both driven by this task.
                let (mut sender, receiver) = mpsc::channel::<Result<Bytes, StorageError>>(4);
                let pump = async move {
                    loop {
                        let next = match field.chunk().await {
                            Ok(Some(chunk)) => Ok(chunk),
                            Ok(None) => break,
                            Err(e) => Err(StorageError::Interrupted(e.to_string())),
                        };
                        let failed = next.is_err();
                        if sender.send(next).await.is_err() || failed {
                            break;
                        }
                    }
                };
                let upload = state
                    .app
                    .upload_media(&user, lesson, &name, receiver.boxed());
                let (media, ()) = tokio::join!(upload, pump);
                let media = media?;
                return Ok(
                    Redirect::to(&format!("/studio/products/{}#media", media.product_id))
                        .into_response(),
                );
            }
            _ => {}
        }
    }
    Err(unreadable())
}

#[derive(Deserialize)]
pub struct ChapterForm {
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_zh: String,
}

pub async fn add_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ChapterForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let title =
        LocalizedText::from_pairs([(Locale::En, form.title_en), (Locale::ZhCn, form.title_zh)]);
    state.app.add_chapter(&user, id, title).await?;
    Ok(back_to(id))
}

#[derive(Deserialize)]
pub struct LessonForm {
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    body_zh: String,
    #[serde(default)]
    chapter_id: String,
    preview: Option<String>,
    /// Drip release: "", "days" or "date".
    #[serde(default)]
    release: String,
    #[serde(default)]
    release_days: String,
    /// A date (YYYY-MM-DD) from the date picker; the lesson opens at 00:00 UTC that day.
    #[serde(default)]
    release_date: String,
}

impl LessonForm {
    fn release(&self) -> Result<Release, HttpError> {
        let release = match self.release.as_str() {
            "days" => Release::AfterDays {
                days: self
                    .release_days
                    .trim()
                    .parse()
                    .map_err(|_| DomainError::InvalidRelease)?,
            },
            "date" => Release::OnDate {
                at_ms: utc_day(&self.release_date).ok_or(DomainError::InvalidRelease)?,
            },
            _ => Release::Immediately,
        };
        Ok(release.validate()?)
    }
}

pub async fn add_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LessonForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let chapter_id = if form.chapter_id.is_empty() {
        None
    } else {
        Some(path_id::<ChapterId>(&form.chapter_id)?)
    };
    let release = form.release()?;
    let lesson = NewLesson {
        release,
        chapter_id,
        title: LocalizedText::from_pairs([
            (Locale::En, form.title_en),
            (Locale::ZhCn, form.title_zh),
        ]),
        body: LocalizedText::from_pairs([(Locale::En, form.body_en), (Locale::ZhCn, form.body_zh)]),
        preview: form.preview.is_some(),
    };
    state.app.add_lesson(&user, id, lesson).await?;
    Ok(back_to(id))
}

pub async fn publish(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.publish(&user, id).await?;
    Ok(back_to(id))
}

pub async fn unpublish(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.unpublish(&user, id).await?;
    Ok(back_to(id))
}

#[derive(Deserialize)]
pub struct LessonPriceForm {
    /// Empty stops selling the lesson alone.
    #[serde(default)]
    amount: String,
    currency: String,
}

/// Sets (or clears) the price a lesson is sold for on its own.
pub async fn set_lesson_price(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LessonPriceForm>,
) -> Result<Redirect, HttpError> {
    let lesson: kenning_domain::ids::LessonId = path_id(&id)?;
    let prices = match form.amount.trim() {
        "" => Vec::new(),
        amount => {
            let currency = kenning_domain::money::Currency::from_code(&form.currency)?;
            vec![kenning_domain::money::Money::parse_major(amount, currency)?]
        }
    };
    state.app.set_lesson_prices(&user, lesson, prices).await?;
    let product = state.app.lesson_product(lesson).await?;
    Ok(back_to(product))
}
