//! Receipts: a person's order history, each order's receipt (numbered once paid) and
//! its PDF.

use kenning_domain::catalog::Product;
use kenning_domain::money::Money;
use kenning_domain::order::{Order, ReceiptNumber};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// Receipts numbered in one transaction.
const RECEIPT_BATCH: i64 = 500;

/// Everything a receipt shows.
#[derive(Clone, Debug)]
pub struct ReceiptView {
    pub order: Order,
    pub product: Product,
    pub buyer: kenning_domain::account::Account,
    /// The card's last four digits, when a card paid.
    pub card_last4: Option<String>,
    /// (when, amount) of each refund.
    pub refunds: Vec<(i64, Money)>,
    /// The receipt's number.
    pub number: Option<ReceiptNumber>,
    /// The seller of record, when the operator is (else the creator sells).
    pub merchant: Option<crate::Merchant>,
}

/// One line of a person's order history.
#[derive(Clone, Debug)]
pub struct HistoryLine {
    pub order: Order,
    pub product: Product,
    pub refunded: Money,
}

impl Kenning {
    /// The person's orders, newest first, with what they bought and got back.
    pub async fn order_history(&self, user: &CurrentUser) -> Result<Vec<HistoryLine>, AppError> {
        let mut lines = Vec::new();
        for order in self.store.orders_of(user.account.id).await? {
            let Some(product) = self.store.product(order.product_id).await? else {
                continue;
            };
            let refunded = self.refunded(&order).await?;
            lines.push(HistoryLine {
                order,
                product,
                refunded,
            });
        }
        Ok(lines)
    }

    /// The receipt of a paid order, for its buyer (and operators).
    pub async fn receipt(
        &self,
        user: &CurrentUser,
        id: kenning_domain::ids::OrderId,
    ) -> Result<ReceiptView, AppError> {
        let crate::checkout::OrderView { order, product } =
            self.order_seen_by(user, id, true).await?;
        self.receipt_view(order, product).await
    }

    /// The receipt of a paid order, for the mail that carries it to its buyer.
    pub(crate) async fn receipt_of_paid(
        &self,
        id: kenning_domain::ids::OrderId,
    ) -> Result<ReceiptView, AppError> {
        let crate::checkout::OrderView { order, product } = self.order_view(id).await?;
        self.receipt_view(order, product).await
    }

    async fn receipt_view(&self, order: Order, product: Product) -> Result<ReceiptView, AppError> {
        let id = order.id;
        if order.status != kenning_domain::order::OrderStatus::Paid {
            return Err(AppError::NotFound("order"));
        }
        let buyer = self
            .store
            .account_by_id(order.buyer_id)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        Ok(ReceiptView {
            card_last4: self.store.paid_card(id).await?,
            refunds: self.store.refunds_of(id).await?,
            number: self.receipt_number(id).await?,
            merchant: self.settings.merchant.clone(),
            order,
            product,
            buyer,
        })
    }

    /// A paid order's receipt number; a receipt shown before the background numbering
    /// came by is numbered now.
    async fn receipt_number(
        &self,
        id: kenning_domain::ids::OrderId,
    ) -> Result<Option<ReceiptNumber>, AppError> {
        if let Some(number) = self.store.receipt_number(id).await? {
            return Ok(Some(number));
        }
        self.number_receipts().await?;
        Ok(self.store.receipt_number(id).await?)
    }

    /// Numbers the receipts of paid orders waiting for one, in the order they were paid.
    /// Runs in the background every few seconds, away from payments: taking a number
    /// while paying would make every payment wait for the one before it.
    pub async fn number_receipts(&self) -> Result<u64, AppError> {
        let mut numbered = 0;
        while self.store.receipts_to_number().await? {
            let n = self
                .store
                .number_receipts(RECEIPT_BATCH, ReceiptNumber::year_of)
                .await?;
            if n == 0 {
                break;
            }
            numbered += n;
        }
        Ok(numbered)
    }

    /// A receipt as a PDF, in the words given.
    pub async fn receipt_pdf(&self, text: crate::ports::ReceiptText) -> Result<Vec<u8>, AppError> {
        self.write_document(move |d| d.receipt_pdf(&text)).await
    }
}
