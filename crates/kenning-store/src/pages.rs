//! Reads made for a page in one round trip.

use async_trait::async_trait;
use kenning_app::ports::{Holdings, PageStore, StoreResult};
use kenning_domain::certificate::CertificateCode;
use kenning_domain::ids::{AccountId, LessonId, ProductId};

use crate::rows::{int, text};
use crate::{SqlStore, db_error, parse_col};

#[async_trait]
impl PageStore for SqlStore {
    async fn holdings(
        &self,
        account: AccountId,
        product: ProductId,
        related: &[ProductId],
    ) -> StoreResult<Holdings> {
        // One statement, one row per thing held, tagged by what it is.
        let products: Vec<String> = std::iter::once(product)
            .chain(related.iter().copied())
            .map(|p| p.to_string())
            .collect();
        let placeholders: Vec<String> =
            (0..products.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT 'product' AS what, product_id AS id, granted_at_ms AS at FROM entitlements \
             WHERE account_id = $1 AND product_id IN ({}) \
             UNION ALL \
             SELECT 'lesson', e.lesson_id, e.granted_at_ms FROM lesson_entitlements e \
             JOIN lessons l ON l.id = e.lesson_id WHERE e.account_id = $1 AND l.product_id = $2 \
             UNION ALL \
             SELECT 'certificate', id, issued_at_ms FROM certificates \
             WHERE account_id = $1 AND product_id = $2 \
             UNION ALL \
             SELECT 'referral', code, 0 FROM referral_codes WHERE account_id = $1",
            placeholders.join(", ")
        ));
        let mut query = sqlx::query(sql)
            .bind(account.to_string())
            .bind(product.to_string());
        for p in products {
            query = query.bind(p);
        }
        let rows = query.fetch_all(self.pool()).await.map_err(db_error)?;
        let mut out = Holdings::default();
        for row in &rows {
            let id = text(row, "id")?;
            let at = int(row, "at")?;
            match text(row, "what")?.as_str() {
                "product" => out
                    .products
                    .push((parse_col::<ProductId>(&id, "product id")?, at)),
                "lesson" => out
                    .lessons
                    .push((parse_col::<LessonId>(&id, "lesson id")?, at)),
                "certificate" => {
                    out.certificate = Some(parse_col::<CertificateCode>(&id, "certificate code")?);
                }
                _ => out.referral_code = Some(id),
            }
        }
        Ok(out)
    }
}
