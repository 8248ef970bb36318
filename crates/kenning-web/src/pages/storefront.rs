//! Home, catalog, product and lesson pages, and public media.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::AppError;
use kenning_app::catalog::{CatalogQuery, ProductDetail};
use kenning_app::checkout::CurrencyChoice;
use kenning_app::recommend::Recommendation;
use kenning_domain::catalog::{PriceList, ProductKind, Release};
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::locale::Locale;
use kenning_domain::money::Money;
use kenning_domain::review::ReviewDraft;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Card, Page, ok, price_label, rating_label, render};
use crate::api::path_id;
use crate::api::recommendations::reason_text;
use crate::api::search::SearchParams;
use crate::context::{Ctx, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate<'a> {
    page: Page<'a>,
    latest: Vec<Card>,
    kinds: Vec<(&'static str, String)>,
    /// "For you" (personal) or "Popular": the shelf title and its cards with reasons.
    shelf: Option<(String, Vec<(Card, String)>)>,
}

/// Recommendations as cards with their reasons.
fn shelf_cards(
    page: &Page<'_>,
    recs: &[Recommendation],
    rates: &[ExchangeRate],
) -> Vec<(Card, String)> {
    recs.iter()
        .map(|r| {
            let card = Card::new(page, &r.product, rates);
            (card, reason_text(page.tr, &r.reason))
        })
        .collect()
}

fn kind_links(page: &Page<'_>) -> Vec<(&'static str, String)> {
    [
        ProductKind::Course,
        ProductKind::Ebook,
        ProductKind::AudioSeries,
        ProductKind::Report,
    ]
    .iter()
    .map(|k| (k.as_str(), page.kind(k)))
    .collect()
}

pub async fn home(State(state): State<AppState>, Ctx(ctx): Ctx) -> Result<Response, HttpError> {
    let page = Page::new(&state, &ctx, "home-title");
    let rates = state.app.display_rates().await?;
    let latest = state
        .app
        .browse(&CatalogQuery {
            page: 1,
            per_page: 8,
            ..CatalogQuery::default()
        })
        .await?;
    let latest = latest
        .items
        .iter()
        .map(|p| Card::new(&page, p, &rates))
        .collect();
    let kinds = kind_links(&page);
    let recs = state.app.recommendations(ctx.user.as_ref(), 4).await?;
    let shelf = if recs.is_empty() {
        None
    } else {
        let personal = recs.iter().any(|r| r.reason.is_personal());
        let title = page.t(if personal {
            "home-for-you"
        } else {
            "home-popular"
        });
        Some((title, shelf_cards(&page, &recs, &rates)))
    };
    ok(&HomeTemplate {
        page,
        latest,
        kinds,
        shelf,
    })
}

#[derive(Deserialize)]
pub struct CatalogParams {
    kind: Option<String>,
    language: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogTemplate<'a> {
    page: Page<'a>,
    cards: Vec<Card>,
    kinds: Vec<(&'static str, String, bool)>,
    languages: Vec<(&'static str, String, bool)>,
    total: i64,
    current_page: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

pub async fn catalog(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<CatalogParams>,
) -> Result<Response, HttpError> {
    let page = Page::new(&state, &ctx, "catalog-title");
    // An unknown filter value is ignored rather than refused: this is a page, not an API.
    let kind: Option<ProductKind> = params.kind.as_deref().and_then(|k| k.parse().ok());
    let language = params
        .language
        .as_deref()
        .and_then(|l| Locale::parse(l).ok());
    let current_page = params.page.unwrap_or(1).max(1);
    let result = state
        .app
        .browse(&CatalogQuery {
            kind,
            language,
            page: current_page,
            per_page: 24,
        })
        .await?;
    let link = |p: i64| {
        let mut q = vec![format!("page={p}")];
        if let Some(k) = kind {
            q.push(format!("kind={}", k.as_str()));
        }
        if let Some(l) = language {
            q.push(format!("language={}", l.tag()));
        }
        format!("/catalog?{}", q.join("&"))
    };
    let prev_link = (current_page > 1).then(|| link(current_page - 1));
    let next_link = (current_page * result.per_page < result.total).then(|| link(current_page + 1));
    let rates = state.app.display_rates().await?;
    let cards = result
        .items
        .iter()
        .map(|p| Card::new(&page, p, &rates))
        .collect();
    let kinds = ProductKind::ALL
        .iter()
        .map(|k| (k.as_str(), page.kind(k), Some(*k) == kind))
        .collect();
    let languages = Locale::ALL
        .iter()
        .map(|l| {
            (
                l.tag(),
                page.t(&format!("locale-{}", l.tag())),
                Some(*l) == language,
            )
        })
        .collect();
    ok(&CatalogTemplate {
        page,
        cards,
        kinds,
        languages,
        total: result.total,
        current_page,
        prev_link,
        next_link,
    })
}

/// A lesson line on the product page.
pub struct LessonLine {
    pub id: String,
    pub title: String,
    pub preview: bool,
    pub open: bool,
    /// Drip release, said in words: "opens on …" or "opens 7 days after purchase".
    pub release_note: Option<String>,
    /// (kind, file name, size) of the attached files, in the studio.
    pub files: Vec<(&'static str, String, String)>,
    /// What the lesson costs on its own, when it is sold alone.
    pub alone: Option<String>,
}

/// Marks the lessons sold on their own with their price in the viewer's currency
/// (converted with `rates` when the lesson has no price in it).
pub(crate) fn mark_sold_alone(
    page: &Page<'_>,
    sections: &mut [Section],
    prices: &[(LessonId, Money)],
    rates: &[ExchangeRate],
) {
    for line in sections.iter_mut().flat_map(|s| s.lessons.iter_mut()) {
        let own: Vec<Money> = prices
            .iter()
            .filter(|(id, _)| id.to_string() == line.id)
            .map(|(_, m)| *m)
            .collect();
        line.alone = PriceList::new(own)
            .ok()
            .and_then(|list| fx::shown_price(&list, page.ctx.currency, rates))
            .map(|m| page.money(&m));
    }
}

/// Lessons grouped under their chapters (lessons outside any chapter come first).
pub struct Section {
    pub title: Option<String>,
    pub lessons: Vec<LessonLine>,
}

pub fn sections(page: &Page<'_>, detail: &ProductDetail) -> Vec<Section> {
    let open_all = detail.owned || detail.editable;
    let line = |l: &kenning_domain::catalog::LessonOutline| {
        let waiting = detail.opens_at.iter().find(|(id, _)| *id == l.id);
        let release_note = match (waiting, l.release) {
            _ if l.preview => None,
            (Some((_, at)), _) => Some(page.t_s("lesson-opens-on", "date", &page.date(at))),
            (None, _) if detail.owned && !detail.editable => None,
            (None, Release::AfterDays { days }) => {
                Some(page.t_n("lesson-opens-after", "days", days))
            }
            (None, Release::OnDate { at_ms }) => {
                Some(page.t_s("lesson-opens-on", "date", &page.date(&at_ms)))
            }
            (None, Release::Immediately) => None,
        };
        LessonLine {
            id: l.id.to_string(),
            title: l.title.get(page.ctx.locale).to_owned(),
            preview: l.preview,
            open: (open_all && waiting.is_none()) || l.preview,
            release_note,
            files: Vec::new(),
            alone: None,
        }
    };
    let mut out = Vec::new();
    let loose: Vec<LessonLine> = detail
        .lessons
        .iter()
        .filter(|l| l.chapter_id.is_none())
        .map(line)
        .collect();
    if !loose.is_empty() {
        out.push(Section {
            title: None,
            lessons: loose,
        });
    }
    for chapter in &detail.chapters {
        out.push(Section {
            title: Some(chapter.title.get(page.ctx.locale).to_owned()),
            lessons: detail
                .lessons
                .iter()
                .filter(|l| l.chapter_id == Some(chapter.id))
                .map(line)
                .collect(),
        });
    }
    out
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductTemplate<'a> {
    page: Page<'a>,
    id: String,
    kind: String,
    creator: String,
    description_html: String,
    tags: Vec<String>,
    price: String,
    free: bool,
    owned: bool,
    editable: bool,
    published: bool,
    cover_url: Option<String>,
    sections: Vec<Section>,
    lesson_count: i64,
    first_lesson: Option<String>,
    order_key: String,
    currency: String,
    purchased: bool,
    also_bought: Vec<(Card, String)>,
    published_at: Option<i64>,
    rating: Option<String>,
    /// (author, stars as "★★★★☆", body, date)
    reviews: Vec<(String, String, String, String)>,
    can_review: bool,
    my_rating: u8,
    my_review: String,
    /// The schedule, when the product is a live session.
    live: Option<super::live::LiveBlock>,
    /// (session product id, when) of live sessions that come with this product.
    included_live: Vec<(String, String)>,
    /// The viewer's certificate code, once earned.
    certificate: Option<String>,
    /// For a membership tier: how often it renews, what it grants, and the viewer's
    /// subscription.
    membership: Option<MembershipBlock>,
    /// A sale running now: (list price, sale price, percent off, end in ms).
    sale: Option<(String, String, i64, i64)>,
    /// For a bundle: its products, and what this viewer pays when they own part of it.
    bundle: Option<(Vec<BundleLine>, Option<String>)>,
    /// The currency the price was converted from, when it was.
    converted_from: Option<String>,
    /// "Includes 19% VAT (DE)" or "Plus 8% tax (US) at checkout".
    tax_note: Option<String>,
    /// (country code, selected) for the buy form.
    countries: Vec<(String, bool)>,
    /// (commission, link) when the viewer can earn by sharing.
    referral: Option<(String, String)>,
    /// A consultation: buying it asks one question.
    asks: bool,
}

/// How tax shows beside a price: held in it or added at checkout (nothing at 0 %).
pub(crate) fn tax_note(page: &Page<'_>, line: &kenning_domain::tax::TaxLine) -> Option<String> {
    if line.rate_bps == 0 {
        return None;
    }
    let rate = format!("{}%", kenning_domain::money::bps_to_percent(line.rate_bps));
    let id = if line.inclusive {
        "tax-included"
    } else {
        "tax-added"
    };
    Some(page.t_args(id, &[("rate", rate), ("country", line.country.to_string())]))
}

/// (id, title, owned) of a product in a bundle.
type BundleLine = (String, String, bool);

#[derive(Clone)]
pub struct MembershipBlock {
    pub interval: String,
    /// (product id, title)
    pub grants: Vec<(String, String)>,
    /// "Member until …" when the viewer's subscription gives access.
    pub member_until: Option<String>,
}

/// Five stars, `n` of them filled.
fn stars(n: u8) -> String {
    (1..=5).map(|i| if i <= n { '★' } else { '☆' }).collect()
}

#[derive(Deserialize)]
pub struct ProductParams {
    purchased: Option<String>,
}

pub async fn product(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Query(params): Query<ProductParams>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let detail = state.app.product_detail(id, ctx.user.as_ref()).await?;
    let p = &detail.product;
    let page = Page::new(&state, &ctx, "catalog-title").with_title(p.title.get(ctx.locale));
    let rates = state.app.display_rates().await?;
    let mut sections = sections(&page, &detail);
    if !detail.owned {
        mark_sold_alone(
            &page,
            &mut sections,
            &state.app.lesson_prices_of(p).await?,
            &rates,
        );
    }
    let also = state.app.also_bought(id, 4).await?;
    let reviews = &detail.reviews;
    let live = match p.kind {
        ProductKind::LiveSession => super::live::live_block(&state, &page, id).await?,
        _ => None,
    };
    let included_live = state
        .app
        .live_sessions_in(id)
        .await?
        .iter()
        .map(|s| (s.product_id.to_string(), page.datetime(&s.starts_at_ms)))
        .collect();
    let membership = match p.kind {
        ProductKind::Membership => {
            let plan = state.app.membership_plan(p).await?;
            let grants = state
                .app
                .covered_products(p)
                .await?
                .iter()
                .map(|g| (g.id.to_string(), g.title.get(ctx.locale).to_owned()))
                .collect();
            let member_until = match &ctx.user {
                Some(user) => state
                    .app
                    .my_memberships(user)
                    .await?
                    .into_iter()
                    .find(|m| m.tier.id == p.id && m.active)
                    .map(|m| page.date(&m.subscription.period_end_ms)),
                None => None,
            };
            Some(MembershipBlock {
                interval: page.t(&format!("membership-per-{}", plan.interval.as_str())),
                grants,
                member_until,
            })
        }
        _ => None,
    };
    let bundle = match p.kind {
        ProductKind::Bundle => {
            let mut items = Vec::new();
            for item in state.app.bundle_contents(id).await? {
                let owned = match &ctx.user {
                    Some(u) => state.app.owns(u, item.id).await?,
                    None => false,
                };
                items.push((
                    item.id.to_string(),
                    item.title.get(ctx.locale).to_owned(),
                    owned,
                ));
            }
            let partial = items.iter().any(|(_, _, owned)| *owned);
            let your_price = match (&ctx.user, p.prices.preferred(ctx.currency)) {
                (Some(u), Some(price)) if partial && !detail.owned => state
                    .app
                    .bundle_price_for(u, p, price)
                    .await
                    .ok()
                    .map(|m| page.money(&m)),
                _ => None,
            };
            Some((items, your_price))
        }
        _ => None,
    };
    // The price in the viewer's currency (converted with the rate table when the
    // creator set none) and what tax their country adds or holds.
    let quote = match p.is_free() || !p.is_published() {
        true => None,
        false => state
            .app
            .quote(id, CurrencyChoice::Prefer(ctx.currency), &ctx.country)
            .await
            .ok(),
    };
    let sale = match (detail.sale, &quote) {
        (Some(s), Some(q)) => Some((
            page.money(&q.list),
            page.money(&q.offer.price),
            i64::from(s.bps / 100),
            s.ends_at_ms,
        )),
        _ => None,
    };
    let tax_note = quote.as_ref().and_then(|q| tax_note(&page, &q.taxed.line));
    let countries = match &quote {
        Some(_) => state
            .app
            .tax_rates()
            .await?
            .into_iter()
            .map(|r| {
                let selected = r.country == ctx.country;
                (r.country.to_string(), selected)
            })
            .collect(),
        None => Vec::new(),
    };
    // Signed-in visitors may share a link that earns them the creator's commission.
    let referral = match &ctx.user {
        Some(user) if quote.is_some() && user.account.id != p.creator_id => {
            let program = state.app.affiliate_program(p.creator_id).await?;
            match program.bps {
                0 => None,
                bps => Some((
                    format!("{}%", kenning_domain::money::bps_to_percent(bps)),
                    format!(
                        "/products/{id}?ref={}",
                        state.app.referral_code(user).await?
                    ),
                )),
            }
        }
        _ => None,
    };
    let template = ProductTemplate {
        sale,
        bundle,
        membership: membership.clone(),
        certificate: detail.certificate.as_ref().map(ToString::to_string),
        live,
        included_live,
        rating: rating_label(&page, &p.rating),
        reviews: reviews
            .items
            .iter()
            .map(|r| {
                (
                    r.author_name.clone(),
                    stars(r.rating.stars()),
                    r.body.clone(),
                    page.date(&r.updated_at_ms),
                )
            })
            .collect(),
        can_review: reviews.can_review,
        my_rating: reviews.mine.as_ref().map_or(5, |r| r.rating.stars()),
        my_review: reviews
            .mine
            .as_ref()
            .map(|r| r.body.clone())
            .unwrap_or_default(),
        also_bought: shelf_cards(&page, &also, &rates),
        published_at: p.published_at_ms,
        id: p.id.to_string(),
        kind: page.kind(&p.kind),
        creator: p.creator_name.clone(),
        description_html: state.markdown.to_safe_html(p.description.get(ctx.locale)),
        tags: p.tags.clone(),
        price: match &quote {
            Some(q) => page.money(&q.list),
            None => price_label(&page, p, &rates),
        },
        converted_from: quote
            .as_ref()
            .and_then(|q| q.offer.conversion)
            .map(|c| c.from.code().to_owned()),
        tax_note,
        countries,
        referral,
        asks: p.kind == ProductKind::Consultation,
        free: p.is_free(),
        // A member holds the tier through their subscription, not an entitlement.
        owned: detail.owned
            || membership
                .as_ref()
                .is_some_and(|m| m.member_until.is_some()),
        editable: detail.editable,
        published: p.is_published(),
        cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
        lesson_count: i64::try_from(detail.lessons.len()).unwrap_or(0),
        first_lesson: detail.lessons.first().map(|l| l.id.to_string()),
        order_key: uuid::Uuid::new_v4().to_string(),
        currency: quote
            .as_ref()
            .map(|q| q.offer.price.currency.code().to_owned())
            .unwrap_or_default(),
        purchased: params.purchased.is_some(),
        sections,
        page,
    };
    ok(&template)
}

#[derive(Deserialize)]
pub struct ReviewForm {
    rating: i64,
    #[serde(default)]
    body: String,
}

/// Writes (or rewrites) the person's review, then shows it on the product page.
pub async fn write_review(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let draft = ReviewDraft::new(form.rating, &form.body)?;
    state.app.write_review(id, &user, draft).await?;
    Ok(Redirect::to(&format!("/products/{id}#reviews")))
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonTemplate<'a> {
    page: Page<'a>,
    product_id: String,
    product_title: String,
    lesson_id: String,
    body_html: String,
    lessons: Vec<(String, String, bool)>,
    next_lesson: Option<String>,
    /// (kind, signed url, content type, file name) of each file.
    media: Vec<(&'static str, String, String, String)>,
    /// Where to resume, in seconds.
    resume_seconds: f64,
    completed: bool,
    signed_in: bool,
}

#[derive(Template)]
#[template(path = "locked.html")]
struct LockedTemplate<'a> {
    page: Page<'a>,
    product_id: String,
    product_title: String,
    price: String,
    /// Set for a holder waiting on drip release.
    opens_on: Option<String>,
    /// The lesson alone: (lesson id, price, currency, a fresh order key, country).
    alone: Option<(String, String, String, String, String)>,
}

pub async fn lesson(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: LessonId = path_id(&id)?;
    let view = match state.app.read_lesson(id, ctx.user.as_ref()).await {
        Ok(view) => view,
        Err(AppError::PurchaseRequired) => return locked(&state, &ctx, id, None).await,
        Err(AppError::NotYetReleased { opens_at_ms, .. }) => {
            return locked(&state, &ctx, id, Some(opens_at_ms)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let locale = ctx.locale;
    let page = Page::new(&state, &ctx, "lesson-title").with_title(view.lesson.title.get(locale));
    let position = view.lessons.iter().position(|l| l.id == view.lesson.id);
    let next_lesson = position
        .and_then(|i| view.lessons.get(i + 1))
        .map(|l| l.id.to_string());
    let template = LessonTemplate {
        product_id: view.product.id.to_string(),
        product_title: view.product.title.get(locale).to_owned(),
        lesson_id: view.lesson.id.to_string(),
        body_html: state.markdown.to_safe_html(view.lesson.body.get(locale)),
        lessons: view
            .lessons
            .iter()
            .map(|l| (l.id.to_string(), l.title.get(locale).to_owned(), l.preview))
            .collect(),
        next_lesson,
        media: view
            .media
            .iter()
            .map(|l| {
                (
                    l.media.kind.as_str(),
                    l.url.clone(),
                    l.media.content_type.clone(),
                    l.media.file_name.clone(),
                )
            })
            .collect(),
        resume_seconds: view
            .progress
            .and_then(|p| u32::try_from(p.position_ms).ok())
            .map_or(0.0, |ms| f64::from(ms) / 1000.0),
        completed: view.progress.is_some_and(|p| p.completed),
        signed_in: ctx.user.is_some(),
        page,
    };
    ok(&template)
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    position_ms: i64,
    duration_ms: Option<i64>,
    #[serde(default)]
    ended: bool,
    /// Sent by the plain form ("mark as done"), which wants the lesson page back; the
    /// player's background reports get 204.
    #[serde(default)]
    back: bool,
}

/// The player's progress reports (every few seconds, on pause, at the end), and the
/// "mark as done" button of text lessons.
pub async fn save_progress(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProgressForm>,
) -> Result<Response, HttpError> {
    let id: LessonId = path_id(&id)?;
    state
        .app
        .report_progress(&user, id, form.position_ms, form.duration_ms, form.ended)
        .await?;
    if form.back {
        return Ok(Redirect::to(&format!("/lessons/{id}")).into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The page for a locked lesson: what it is and how to get it (403).
/// The page for a lesson this person may not read: "buy first", or for a holder of a
/// dripped lesson, when it opens.
async fn locked(
    state: &AppState,
    ctx: &crate::context::RequestContext,
    id: LessonId,
    opens_at_ms: Option<i64>,
) -> Result<Response, HttpError> {
    let product_id = state.app.lesson_product(id).await?;
    let detail = state
        .app
        .product_detail(product_id, ctx.user.as_ref())
        .await?;
    let page = Page::new(state, ctx, "locked-title");
    let rates = state.app.display_rates().await?;
    let own = state.app.lesson_prices(id).await?;
    let alone = fx::shown_price(&own, ctx.currency, &rates)
        .filter(|_| opens_at_ms.is_none())
        .map(|m| {
            (
                id.to_string(),
                page.money(&m),
                m.currency.code().to_owned(),
                uuid::Uuid::new_v4().to_string(),
                ctx.country.to_string(),
            )
        });
    let template = LockedTemplate {
        alone,
        product_id: detail.product.id.to_string(),
        product_title: detail.product.title.get(ctx.locale).to_owned(),
        price: price_label(&page, &detail.product, &rates),
        opens_on: opens_at_ms.map(|at| page.date(&at)),
        page,
    };
    Ok(render(StatusCode::FORBIDDEN, &template))
}

/// The only media served by name: `covers/{product}/{token}`, both parts plain. Any
/// other shape (empty or dot segments, more parts) names nothing.
fn is_cover_key(key: &str) -> bool {
    let mut parts = key.split('/');
    parts.next() == Some("covers")
        && parts.by_ref().take(2).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && key.split('/').count() == 3
}

/// Public media (cover images).
pub async fn media(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, HttpError> {
    if !is_cover_key(&key) {
        return Err(HttpError::not_found());
    }
    let (bytes, content_type) = state.app.cover(&key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    page: Page<'a>,
    q: String,
    results: Vec<(Card, String)>,
    result_count: i64,
    kinds: Vec<(&'static str, String, bool)>,
    sorts: Vec<(&'static str, String, bool)>,
    /// (value, label, selected) of the minimum-rating filter.
    ratings: Vec<(i64, String, bool)>,
    /// Matches inside lessons the person may read: (lesson link, lesson title, product
    /// title, highlight).
    lessons: Vec<(String, String, String, String)>,
}

/// The search results page (the search box is in every page's header).
pub async fn search(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<SearchParams>,
) -> Result<Response, HttpError> {
    let page = Page::new(&state, &ctx, "search-title");
    // An unknown filter from a hand-edited URL is dropped rather than refused.
    let query = match params.to_search(&ctx) {
        Ok(q) => q,
        Err(_) => SearchParams {
            q: params.q.clone(),
            ..SearchParams::default()
        }
        .to_search(&ctx)?,
    };
    let found = state.app.search(&query).await?;
    let lessons = state
        .app
        .search_my_lessons(ctx.user.as_ref(), &query.text, ctx.locale, LESSON_MATCHES)
        .await?
        .into_iter()
        .map(|m| {
            (
                format!("/lessons/{}", m.lesson.id),
                m.lesson.title.get(ctx.locale).to_owned(),
                m.product.title.get(ctx.locale).to_owned(),
                m.highlight,
            )
        })
        .collect();
    let rates = state.app.display_rates().await?;
    let results: Vec<(Card, String)> = found
        .iter()
        .map(|(p, highlight)| (Card::new(&page, p, &rates), highlight.clone()))
        .collect();
    let result_count = i64::try_from(results.len()).unwrap_or(0);
    let kinds = ProductKind::ALL
        .iter()
        .map(|k| (k.as_str(), page.kind(k), Some(*k) == query.kind))
        .collect();
    let current = params.sort.clone().unwrap_or_default();
    let sorts = ["relevance", "newest", "price_low", "price_high", "rating"]
        .iter()
        .map(|s| (*s, page.t(&format!("search-sort-{s}")), current == *s))
        .collect();
    let ratings = [4, 3]
        .iter()
        .map(|&n| {
            (
                n,
                page.t_n("search-min-rating", "count", n),
                query.min_rating.map(|r| i64::from(r.stars())) == Some(n),
            )
        })
        .collect();
    ok(&SearchTemplate {
        ratings,
        page,
        q: query.text,
        results,
        result_count,
        kinds,
        sorts,
        lessons,
    })
}

/// Lesson matches shown on the search page.
const LESSON_MATCHES: usize = 10;
