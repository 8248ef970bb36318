//! Receipts (invoices) of paid orders, a printable page and the same words as a PDF, and
//! the order history that lists them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use kenning_app::ports::{ReceiptRow, ReceiptText};
use kenning_app::revenue::ReceiptView;
use kenning_domain::fx::RateDisplay;
use kenning_domain::ids::OrderId;
use kenning_domain::money::Money;
use kenning_domain::tax::TaxLine;

use super::{Page, ok};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::i18n::Tr;
use crate::state::AppState;

/// The words of a receipt in the reader's language; the page and the PDF both show them.
pub fn receipt_text(tr: Tr<'_>, r: &ReceiptView) -> ReceiptText {
    let o = &r.order;
    ReceiptText {
        title: tr.t("receipt-title"),
        parties: receipt_parties(tr, r),
        rows: receipt_rows(tr, r),
        footer: tr.t_with(
            "receipt-footer",
            "order",
            format!(
                "{} · {}",
                o.id,
                tr.date(o.paid_at_ms.unwrap_or(o.created_at_ms))
            ),
        ),
    }
}

/// Item, discount, conversion, net, tax, total, payment and refunds.
fn receipt_rows(tr: Tr<'_>, r: &ReceiptView) -> Vec<ReceiptRow> {
    let o = &r.order;
    let currency = o.total.currency;
    let mut rows = vec![ReceiptRow::new(
        tr.t("receipt-item"),
        r.product.title.get(tr.locale),
    )];
    if let Some(code) = &o.coupon {
        rows.push(ReceiptRow::new(
            tr.t_with("checkout-coupon", "code", code.to_string()),
            format!("−{}", tr.money(&Money::new(o.discount_minor, currency))),
        ));
    }
    if let Some(c) = o.conversion {
        rows.push(ReceiptRow::new(
            tr.t("receipt-converted"),
            format!("{} × {}", c.from.code(), RateDisplay(c.rate_e8)),
        ));
    }
    rows.push(ReceiptRow::new(tr.t("receipt-net"), tr.money(&o.net())));
    if let Some(tax) = &o.tax {
        rows.push(ReceiptRow::new(tax_label(tr, tax), tr.money(&tax.amount)));
    }
    rows.push(ReceiptRow::new(tr.t("receipt-total"), tr.money(&o.total)));
    rows.push(ReceiptRow::new(
        tr.t("receipt-paid-with"),
        match &r.card_last4 {
            Some(last4) => tr.t_with("receipt-card", "last4", last4.clone()),
            None => tr.t("receipt-other-method"),
        },
    ));
    for (at, amount) in &r.refunds {
        rows.push(ReceiptRow::new(
            tr.t_with("receipt-refunded-on", "date", tr.date(*at)),
            format!("−{}", tr.money(amount)),
        ));
    }
    rows
}

/// "Tax (20% FR)" or "Including tax (…)".
pub(crate) fn tax_label(tr: Tr<'_>, tax: &TaxLine) -> String {
    let rate = format!("{}%", kenning_domain::money::bps_to_percent(tax.rate_bps));
    let id = if tax.inclusive {
        "receipt-tax-included"
    } else {
        "receipt-tax"
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("rate", rate);
    args.set("country", tax.country.to_string());
    tr.i18n.message(tr.locale, id, Some(&args))
}

/// The receipt number, the seller (and creator), the buyer and their country.
fn receipt_parties(tr: Tr<'_>, r: &ReceiptView) -> Vec<String> {
    let buyer = format!(
        "{} <{}>",
        r.buyer.display_name.as_str(),
        r.buyer.email.as_str()
    );
    let mut parties = Vec::new();
    if let Some(number) = r.number {
        parties.push(tr.t_with("receipt-number", "number", number.to_string()));
    }
    // The operator sells when it is the merchant of record; the creator is named too.
    match &r.merchant {
        Some(m) => {
            parties.push(tr.t_with("receipt-seller", "name", m.name.clone()));
            parties.extend(m.address.clone());
            if let Some(id) = &m.tax_id {
                parties.push(tr.t_with("receipt-tax-id", "id", id.clone()));
            }
            parties.push(tr.t_with("receipt-creator", "name", r.product.creator_name.clone()));
        }
        None => parties.push(tr.t_with("receipt-seller", "name", r.product.creator_name.clone())),
    }
    parties.push(tr.t_with("receipt-billed-to", "name", buyer));
    if let Some(tax) = &r.order.tax {
        parties.push(tr.t_with("receipt-country", "country", tax.country.to_string()));
    }
    parties
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptTemplate<'a> {
    page: Page<'a>,
    order_id: String,
    text: ReceiptText,
}

/// The printable receipt (the buyer's own, or any for operators).
pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: OrderId = path_id(&id)?;
    let view = state.app.receipt(&user, id).await?;
    let page = Page::new(&state, &ctx, "receipt-title");
    let text = receipt_text(page.tr, &view);
    ok(&ReceiptTemplate {
        order_id: id.to_string(),
        text,
        page,
    })
}

/// The receipt as a PDF.
pub async fn pdf(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: OrderId = path_id(&id)?;
    let view = state.app.receipt(&user, id).await?;
    let text = receipt_text(Tr::new(&state.i18n, ctx.locale), &view);
    let bytes = state.app.receipt_pdf(text).await?;
    Ok(super::attachment(
        "application/pdf",
        &format!("receipt-{id}.pdf"),
        bytes,
    ))
}

/// One order as the history lists it.
struct HistoryRow {
    id: String,
    date: String,
    title: String,
    total: String,
    /// "Paid", "Refunded", "Partly refunded", "Waiting for payment".
    status: String,
    paid: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersTemplate<'a> {
    page: Page<'a>,
    rows: Vec<HistoryRow>,
}

/// The person's order history, with receipts.
pub async fn history(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    use kenning_domain::order::OrderStatus;
    let page = Page::new(&state, &ctx, "orders-title");
    let rows = state
        .app
        .order_history(&user)
        .await?
        .iter()
        .map(|l| {
            let o = &l.order;
            let status = match o.status {
                OrderStatus::Paid if l.refunded.amount_minor >= o.total.amount_minor => {
                    "order-status-refunded"
                }
                OrderStatus::Paid if l.refunded.amount_minor > 0 => "order-status-partly-refunded",
                OrderStatus::Paid => "order-status-paid",
                OrderStatus::Processing => "order-status-processing",
                OrderStatus::Pending => "order-status-pending",
                OrderStatus::Released => "order-status-released",
            };
            HistoryRow {
                id: o.id.to_string(),
                date: page.date(&o.created_at_ms),
                title: l.product.title.get(ctx.locale).to_owned(),
                total: page.money(&o.total),
                status: page.t(status),
                paid: o.status == OrderStatus::Paid,
            }
        })
        .collect();
    ok(&OrdersTemplate { rows, page })
}
