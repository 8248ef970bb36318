//! The product page and its review form.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kenning_app::AppError;
use kenning_app::accounts::random_uuid;
use kenning_app::catalog::ProductDetail;
use kenning_app::pages::product::ProductPage;
use kenning_domain::account::{DisplayName, Role};
use kenning_domain::catalog::{
    Chapter, LessonAccess, LessonOutline, PriceList, ProductKind, Release,
};
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::{AccountId, ChapterId, LessonId, ProductId};
use kenning_domain::locale::Locale;
use kenning_domain::money::{Currency, Money};
use kenning_domain::review::ReviewDraft;
use kenning_domain::tax::Country;
use serde::Deserialize;

use super::{NotedCard, shelf_cards};
use crate::api::path_id;
use crate::context::{Ctx, RequestContext, SignedIn};
use crate::error::HttpError;
use crate::pages::forms::{KeptForm, Refused};
use crate::pages::live::LiveBlock;
use crate::pages::{Page, html_of, ok, price_label, rating_label, render};
use crate::rendered::{Fill, PageCache};
use crate::state::AppState;

/// A lesson line on the product page.
pub struct LessonLine {
    pub id: String,
    pub title: String,
    pub preview: bool,
    /// The access rule lets this viewer open it.
    pub open: bool,
    /// Drip release, said in words: "opens on …" or "opens 7 days after purchase".
    pub release_note: Option<String>,
    /// The attached files, in the studio.
    pub files: Vec<FileLine>,
    /// What the lesson costs on its own, when it is sold alone.
    pub alone: Option<String>,
}

/// A file attached to a lesson, as the studio lists it.
pub struct FileLine {
    pub kind: &'static str,
    pub name: String,
    /// Its size in words ("1.5 MB").
    pub size: String,
}

/// Lessons grouped under their chapters (lessons outside any chapter come first).
pub struct Section {
    /// The chapter (none for lessons outside any).
    pub chapter_id: Option<String>,
    pub title: Option<String>,
    pub lessons: Vec<LessonLine>,
}

/// When a lesson opens, in words: for a holder waiting on it, the date; for a holder
/// who may open it, nothing; for everyone else (and its creator), what its release says.
fn release_note(
    page: &Page<'_>,
    l: &LessonOutline,
    access: LessonAccess,
    held: bool,
) -> Option<String> {
    match (access, l.release) {
        _ if l.preview => None,
        (LessonAccess::NotYet { opens_at_ms }, _) => {
            Some(page.t_s("lesson-opens-on", "date", &page.date(&opens_at_ms)))
        }
        _ if held => None,
        (_, Release::AfterDays { days }) => Some(page.t_n("lesson-opens-after", "days", days)),
        (_, Release::OnDate { at_ms }) => {
            Some(page.t_s("lesson-opens-on", "date", &page.date(&at_ms)))
        }
        (_, Release::Immediately) => None,
    }
}

fn lesson_line(page: &Page<'_>, l: &LessonOutline, access: LessonAccess, held: bool) -> LessonLine {
    LessonLine {
        id: l.id.to_string(),
        title: l.title.get(page.ctx.locale).to_owned(),
        preview: l.preview,
        open: access.is_open(),
        release_note: release_note(page, l, access, held),
        files: Vec::new(),
        alone: None,
    }
}

/// Lines grouped by chapter, loose lessons first.
fn grouped(
    page: &Page<'_>,
    chapters: &[Chapter],
    lines: Vec<(Option<ChapterId>, LessonLine)>,
) -> Vec<Section> {
    let (loose, mut rest): (Vec<_>, Vec<_>) = lines.into_iter().partition(|(c, _)| c.is_none());
    let mut out = Vec::new();
    if !loose.is_empty() {
        out.push(Section {
            chapter_id: None,
            title: None,
            lessons: loose.into_iter().map(|(_, l)| l).collect(),
        });
    }
    for chapter in chapters {
        let (mine, others): (Vec<_>, Vec<_>) =
            rest.into_iter().partition(|(c, _)| *c == Some(chapter.id));
        rest = others;
        out.push(Section {
            chapter_id: Some(chapter.id.to_string()),
            title: Some(chapter.title.get(page.ctx.locale).to_owned()),
            lessons: mine.into_iter().map(|(_, l)| l).collect(),
        });
    }
    out
}

/// The table of contents of a product as its detail says this viewer may use it (the
/// studio's view).
pub fn sections(page: &Page<'_>, detail: &ProductDetail) -> Vec<Section> {
    let lines = (detail.lessons.iter().zip(&detail.access))
        .map(|(l, a)| (l.chapter_id, lesson_line(page, l, *a, detail.owned)))
        .collect();
    grouped(page, &detail.chapters, lines)
}

/// The table of contents of a product page, each lesson gated by the access rule.
fn page_sections(page: &Page<'_>, model: &ProductPage) -> Vec<Section> {
    let lines = model
        .lessons()
        .map(|(l, gate)| {
            let mut line = lesson_line(page, l, gate.access, gate.held);
            line.alone = gate.alone.map(|m| page.money(&m));
            (l.chapter_id, line)
        })
        .collect();
    grouped(page, &model.showcase.outline.chapters, lines)
}

/// Marks the lessons sold on their own with their price in the viewer's currency
/// (converted with `rates` when the lesson has no price in it).
pub fn mark_sold_alone(
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
            .map(|m| page.money(&page.with_tax(m)));
    }
}

/// How tax shows beside a price that holds it: included in the price, or the price
/// before tax plus the tax (nothing at 0 %).
pub fn tax_note(
    page: &Page<'_>,
    line: &kenning_domain::tax::TaxLine,
    before_tax: &kenning_domain::money::Money,
) -> Option<String> {
    if line.rate_bps == 0 {
        return None;
    }
    let rate = format!("{}%", kenning_domain::money::bps_to_percent(line.rate_bps));
    let country = line.country.to_string();
    Some(if line.inclusive {
        page.t_args("tax-included", &[("rate", rate), ("country", country)])
    } else {
        page.t_args(
            "tax-added-to",
            &[
                ("net", page.money(before_tax)),
                ("tax", page.money(&line.amount)),
                ("rate", rate),
                ("country", country),
            ],
        )
    })
}

/// A product named on the page, as a link.
pub struct ProductLink {
    pub id: String,
    pub title: String,
}

pub struct MembershipBlock {
    pub interval: String,
    pub grants: Vec<ProductLink>,
    /// "Member until …" when the viewer's subscription gives access.
    pub member_until: Option<String>,
}

pub struct BundleLine {
    pub id: String,
    pub title: String,
    pub owned: bool,
}

/// A bundle's products, and what this viewer pays when they own part of it.
pub struct BundleBlock {
    pub items: Vec<BundleLine>,
    pub your_price: Option<String>,
}

/// A sale running now.
pub struct SaleBlock {
    pub list: String,
    pub now: String,
    pub percent: i64,
    pub ends_at_ms: i64,
}

pub struct ReviewLine {
    pub author: String,
    /// "★★★★☆"
    pub stars: String,
    pub body: String,
    pub date: String,
}

/// A live session that comes with this product.
pub struct IncludedLive {
    pub id: String,
    pub when: String,
}

pub struct CountryOption {
    pub code: String,
    pub selected: bool,
}

/// The commission and the link that earns it.
pub struct ReferralBlock {
    pub rate: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductTemplate<'a> {
    page: Page<'a>,
    /// The buy form (`buy`) or the review form (`review`), refused.
    refused: Refused,
    /// The buyer's country, whose tax the prices shown hold.
    country: String,
    /// A member's allowance of questions to a desk, in words.
    member_allowance: String,
    id: String,
    kind: String,
    creator: String,
    creator_id: String,
    description_html: Arc<str>,
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
    /// Shown to its creator as a buyer sees it: said so, and nothing can be bought.
    preview: bool,
    also_bought: Vec<NotedCard>,
    published_at: Option<i64>,
    rating: Option<String>,
    reviews: Vec<ReviewLine>,
    can_review: bool,
    my_rating: u8,
    my_review: String,
    live: Option<LiveBlock>,
    included_live: Vec<IncludedLive>,
    /// The viewer's certificate code, once earned.
    certificate: Option<String>,
    membership: Option<MembershipBlock>,
    sale: Option<SaleBlock>,
    bundle: Option<BundleBlock>,
    /// The currency the price was converted from, when it was.
    converted_from: Option<String>,
    /// "Includes 19% VAT (DE)" or "Plus 8% tax (US) at checkout".
    tax_note: Option<String>,
    countries: Vec<CountryOption>,
    referral: Option<ReferralBlock>,
    /// A consultation: buying it asks one question.
    asks: bool,
}

/// Five stars, `n` of them filled.
fn stars(n: u8) -> String {
    (1..=5).map(|i| if i <= n { '★' } else { '☆' }).collect()
}

#[derive(Deserialize)]
pub struct ProductParams {
    purchased: Option<String>,
    /// `buyer`: the page as a buyer sees it (for its creator; never kept).
    view_as: Option<String>,
}

pub async fn product(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Query(params): Query<ProductParams>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    // A preview for those who may edit it; anyone else who follows such a link gets
    // the page as it is for them.
    if let (Some("buyer"), Some(user)) = (params.view_as.as_deref(), ctx.user.as_ref()) {
        match (state.app)
            .product_preview(id, user, ctx.currency, &ctx.country)
            .await
        {
            Ok(model) => {
                let mut template = product_template(&state, &ctx, &model, false, String::new());
                template.preview = true;
                return ok(&template);
            }
            Err(AppError::Forbidden | AppError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let model = state
        .app
        .product_page(id, ctx.user.as_ref(), ctx.currency, &ctx.country)
        .await?;
    if params.purchased.is_some() {
        let order_key = random_uuid().to_string();
        return ok(&product_template(&state, &ctx, &model, true, order_key));
    }
    Ok(kept_page(&state, &ctx, model))
}

/// The product page again with a refused form (buying, reviewing): what was typed is
/// kept and the reason shown beside it. Never cached.
pub async fn refused_product_page(
    state: &AppState,
    ctx: &RequestContext,
    id: ProductId,
    refused: Refused,
) -> Result<Response, HttpError> {
    let model = state
        .app
        .product_page(id, ctx.user.as_ref(), ctx.currency, &ctx.country)
        .await?;
    let mut template = product_template(state, ctx, &model, false, random_uuid().to_string());
    template.refused = refused;
    Ok(render(template.refused.status(), &template))
}

/// Product pages as rendered, by product, language, currency, country and viewer (see
/// [`crate::rendered`]): one cache for visitors who are not signed in, who share pages,
/// and one for signed-in people, each of whom has their own.
pub struct ProductPages {
    visitors: PageCache<PageKey, PageView>,
    members: PageCache<PageKey, PageView>,
}

impl ProductPages {
    /// Each cache keeps at most `budget` bytes of HTML.
    pub fn new(budget: usize) -> ProductPages {
        ProductPages {
            visitors: PageCache::new(budget),
            members: PageCache::new(budget),
        }
    }
}

/// Product, language, currency, country, the zone times are shown in, and the viewer.
type PageKey = (
    ProductId,
    Locale,
    Currency,
    Country,
    Option<String>,
    Option<AccountId>,
);

/// What a product page is rendered from besides its key: the page model (whose
/// showcase is the app's cached one, compared by pointer) and the name and role the
/// header shows.
#[derive(PartialEq)]
pub struct PageView {
    model: ProductPage,
    header: Option<(DisplayName, Role)>,
}

/// The page, rendered once for this model and kept; the person's form token and a
/// fresh order key are written in per response.
fn kept_page(state: &AppState, ctx: &RequestContext, model: ProductPage) -> Response {
    let account = ctx.user.as_ref().map(|u| &u.account);
    let key = (
        model.product().id,
        ctx.locale,
        ctx.currency,
        ctx.country.clone(),
        ctx.zone.as_ref().map(|z| z.name().to_owned()),
        account.map(|a| a.id),
    );
    let view = PageView {
        header: account.map(|a| (a.display_name.clone(), a.role)),
        model,
    };
    let cache = match account {
        None => &state.product_pages.visitors,
        Some(_) => &state.product_pages.members,
    };
    let kept = cache.get_or_render(key, view, |view, blank| {
        let request = RequestContext {
            csrf: blank.csrf.clone(),
            ..ctx.clone()
        };
        html_of(&product_template(
            state,
            &request,
            &view.model,
            false,
            blank.order_key.clone(),
        ))
    });
    match kept {
        Some(kept) => Html(kept.fill(&Fill {
            csrf: &ctx.csrf,
            order_key: &random_uuid().to_string(),
        }))
        .into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The page's words and links, from the page model.
fn product_template<'a>(
    state: &'a AppState,
    ctx: &'a RequestContext,
    model: &ProductPage,
    purchased: bool,
    order_key: String,
) -> ProductTemplate<'a> {
    let showcase = &model.showcase;
    let p = showcase.product();
    let page = Page::new(state, ctx, "catalog-title").with_title(p.title.get(ctx.locale));
    let quote = showcase.quote.as_ref();
    ProductTemplate {
        refused: Refused::default(),
        country: ctx.country.to_string(),
        member_allowance: page.t_args(
            "question-member-allowance",
            &[
                (
                    "allowed",
                    kenning_domain::question::MEMBER_QUESTIONS.to_string(),
                ),
                (
                    "days",
                    kenning_domain::question::MEMBER_QUESTIONS_DAYS.to_string(),
                ),
            ],
        ),
        sale: sale_block(&page, model),
        bundle: bundle_block(&page, model),
        membership: membership_block(&page, model),
        certificate: model.certificate.as_ref().map(ToString::to_string),
        live: model
            .live
            .as_ref()
            .map(|l| LiveBlock::on_product_page(&page, l)),
        included_live: included_live(&page, model),
        rating: rating_label(&page, &p.rating),
        reviews: review_lines(&page, model),
        can_review: model.can_review,
        my_rating: model.my_review.as_ref().map_or(5, |r| r.rating.stars()),
        my_review: (model.my_review.as_ref().map(|r| r.body.clone())).unwrap_or_default(),
        also_bought: shelf_cards(&page, &model.also_bought, &showcase.rates),
        published_at: p.published_at_ms,
        id: p.id.to_string(),
        kind: page.kind(&p.kind),
        creator: p.creator_name.clone(),
        creator_id: p.creator_id.to_string(),
        description_html: state
            .markdown
            .to_safe_html_shared(p.description.get(ctx.locale)),
        tags: p.tags.clone(),
        // What the buyer pays in their country: the sale's price with its tax.
        price: match quote {
            Some(q) => page.money(&q.taxed.total),
            None => price_label(&page, p, &showcase.rates),
        },
        converted_from: (quote.and_then(|q| q.offer.conversion)).map(|c| c.from.code().to_owned()),
        tax_note: quote.and_then(|q| tax_note(&page, &q.taxed.line, &q.offer.price)),
        countries: country_options(model, &ctx.country),
        referral: referral_block(model),
        asks: p.kind == ProductKind::Consultation,
        free: p.is_free(),
        owned: model.owned,
        editable: model.editable,
        published: p.is_published(),
        cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
        lesson_count: i64::try_from(showcase.outline.lessons.len()).unwrap_or(0),
        first_lesson: showcase.outline.lessons.first().map(|l| l.id.to_string()),
        order_key,
        currency: (quote.map(|q| q.offer.price.currency.code().to_owned())).unwrap_or_default(),
        purchased,
        preview: false,
        sections: page_sections(&page, model),
        page,
    }
}

/// The live sessions that come with this product.
fn included_live(page: &Page<'_>, model: &ProductPage) -> Vec<IncludedLive> {
    (model.showcase.included_live.iter())
        .map(|s| IncludedLive {
            id: s.product_id.to_string(),
            when: page.datetime(&s.starts_at_ms),
        })
        .collect()
}

/// The countries the buyer may say they are in, the guessed one chosen.
fn country_options(model: &ProductPage, guessed: &Country) -> Vec<CountryOption> {
    (model.showcase.tax_countries.iter())
        .map(|c| CountryOption {
            code: c.to_string(),
            selected: c == guessed,
        })
        .collect()
}

/// The viewer's referral link and what it earns, when the creator runs a programme.
fn referral_block(model: &ProductPage) -> Option<ReferralBlock> {
    let id = model.showcase.product().id;
    model.referral.as_ref().map(|r| ReferralBlock {
        rate: format!("{}%", kenning_domain::money::bps_to_percent(r.bps)),
        link: format!("/products/{id}?ref={}", r.code),
    })
}

fn sale_block(page: &Page<'_>, model: &ProductPage) -> Option<SaleBlock> {
    match (model.sale, &model.showcase.quote) {
        (Some(s), Some(q)) => Some(SaleBlock {
            list: page.money(&page.with_tax(q.list)),
            now: page.money(&q.taxed.total),
            percent: i64::from(s.bps / 100),
            ends_at_ms: s.ends_at_ms,
        }),
        _ => None,
    }
}

fn bundle_block(page: &Page<'_>, model: &ProductPage) -> Option<BundleBlock> {
    (model.showcase.product().kind == ProductKind::Bundle).then(|| BundleBlock {
        items: (model.bundle.iter())
            .map(|b| BundleLine {
                id: b.product.id.to_string(),
                title: b.product.title.get(page.ctx.locale).to_owned(),
                owned: b.owned,
            })
            .collect(),
        your_price: model.bundle_price.map(|m| page.money(&page.with_tax(m))),
    })
}

fn membership_block(page: &Page<'_>, model: &ProductPage) -> Option<MembershipBlock> {
    let (plan, grants) = model.showcase.membership.as_ref()?;
    Some(MembershipBlock {
        interval: page.t(&format!("membership-per-{}", plan.interval.as_str())),
        grants: (grants.iter())
            .map(|g| ProductLink {
                id: g.id.to_string(),
                title: g.title.get(page.ctx.locale).to_owned(),
            })
            .collect(),
        member_until: model.member_until.map(|at| page.date(&at)),
    })
}

fn review_lines(page: &Page<'_>, model: &ProductPage) -> Vec<ReviewLine> {
    (model.showcase.outline.reviews.iter())
        .map(|r| ReviewLine {
            author: r.author_name.clone(),
            stars: stars(r.rating.stars()),
            body: r.body.clone(),
            date: page.date(&r.updated_at_ms),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ReviewForm {
    rating: i64,
    #[serde(default)]
    body: String,
}

/// Writes (or rewrites) the person's review, then shows it on the product page.
#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    question: String,
}

/// A member asks a desk their membership includes (no payment, within the allowance);
/// a refusal shows the page again with the question kept.
pub async fn ask_as_member(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<AskForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    match state.app.ask_as_member(&user, id, &form.question).await {
        Ok(_) => Ok(Redirect::to("/questions?asked=1").into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, "ask", e.into(), typed)?;
            refused_product_page(&state, &ctx, id, refused).await
        }
    }
}

pub async fn write_review(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<ReviewForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let written = async {
        let draft = ReviewDraft::new(form.rating, &form.body)?;
        state.app.write_review(id, &user, draft).await?;
        Ok::<_, HttpError>(())
    };
    match written.await {
        Ok(()) => Ok(Redirect::to(&format!("/products/{id}#reviews")).into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, "review", e, typed)?;
            refused_product_page(&state, &ctx, id, refused).await
        }
    }
}
