//! Products, prices, chapters and lessons.

use std::collections::HashMap;

use async_trait::async_trait;
use kenning_app::ports::{
    BundleStore, LessonPriceStore, LessonStore, ProductFilter, ProductSaleStore, ProductStore,
    StoreError, StoreResult,
};
use kenning_domain::catalog::{Chapter, Lesson, LessonOutline, PriceList, Product, Release};
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::{Currency, Money};
use kenning_domain::sale::Sale;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

use crate::{SqlStore, db_error, parse_col, rows};

/// The product columns (followed by more columns or by the FROM clause).
pub(crate) const PRODUCT_SELECT: &str = "SELECT p.id, p.creator_id, a.display_name AS creator_name, p.kind, \
     p.status, p.title, p.description, p.tags, p.cover_key, p.created_at_ms, p.published_at_ms, \
     p.rating_count, p.rating_sum";
const PRODUCT_FROM: &str = " FROM products p JOIN accounts a ON a.id = p.creator_id";

/// ",en,zh-CN," — lets a LIKE find products written in one language.
fn languages_column(product: &Product) -> String {
    let tags: Vec<&str> = product.languages().iter().map(|l| l.tag()).collect();
    format!(",{},", tags.join(","))
}

/// The WHERE clause of a filter and the values to bind, in order.
fn filter_clause(filter: &ProductFilter) -> (String, Vec<String>) {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    let mut add = |condition: &str, value: String| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(status) = filter.status {
        add("p.status = ?", status.as_str().to_owned());
    }
    if let Some(kind) = filter.kind {
        add("p.kind = ?", kind.as_str().to_owned());
    }
    if let Some(language) = filter.language {
        add("p.languages LIKE ?", format!("%,{},%", language.tag()));
    }
    if let Some(creator) = filter.creator_id {
        add("p.creator_id = ?", creator.to_string());
    }
    if let Some(words) = filter.title_contains.as_deref().map(str::trim) {
        // The title is stored as JSON of its languages; LIKE's own wildcards in the
        // words are matched literally.
        let escaped = words
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        add("LOWER(p.title) LIKE ? ESCAPE '\\'", format!("%{escaped}%"));
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!(" WHERE {}", conditions.join(" AND ")), values)
    }
}

fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments>,
    values: Vec<String>,
) -> Query<'q, Any, AnyArguments> {
    for v in values {
        query = query.bind(v);
    }
    query
}

impl SqlStore {
    /// Fills in the prices of the given products with one query.
    async fn attach_prices(&self, products: &mut [Product]) -> StoreResult<()> {
        if products.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=products.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT product_id, currency, amount_minor FROM product_prices \
             WHERE product_id IN ({}) ORDER BY product_id, position",
            placeholders.join(", ")
        );
        let ids = products.iter().map(|p| p.id.to_string()).collect();
        let found = bind_all(sqlx::query(AssertSqlSafe(sql)), ids)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let mut by_product: HashMap<ProductId, Vec<Money>> = HashMap::new();
        for row in &found {
            let (id, money) = rows::price(row)?;
            by_product.entry(id).or_default().push(money);
        }
        for p in products.iter_mut() {
            let prices = by_product.remove(&p.id).unwrap_or_default();
            p.prices = PriceList::new(prices).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        Ok(())
    }

    async fn write_prices(
        &self,
        tx: &mut sqlx::Transaction<'_, Any>,
        product: &Product,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM product_prices WHERE product_id = $1")
            .bind(product.id.to_string())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        for (position, price) in product.prices.iter().enumerate() {
            sqlx::query(
                "INSERT INTO product_prices (product_id, currency, amount_minor, position) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(product.id.to_string())
            .bind(price.currency.code())
            .bind(price.amount_minor)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ProductStore for SqlStore {
    async fn insert_product(&self, p: &Product) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO products (id, creator_id, kind, status, title, description, languages, \
             tags, cover_key, created_at_ms, updated_at_ms, published_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(p.id.to_string())
        .bind(p.creator_id.to_string())
        .bind(p.kind.as_str())
        .bind(p.status.as_str())
        .bind(rows::to_json(&p.title)?)
        .bind(rows::to_json(&p.description)?)
        .bind(languages_column(p))
        .bind(rows::to_json(&p.tags)?)
        .bind(p.cover_key.clone())
        .bind(p.created_at_ms)
        .bind(p.created_at_ms)
        .bind(p.published_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        self.write_prices(&mut tx, p).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn update_product(&self, p: &Product, now_ms: i64) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // A product an operator holds stays unpublished, whatever a write read before
        // the hold says.
        let done = sqlx::query(
            "UPDATE products SET kind = $1, status = CASE WHEN EXISTS \
             (SELECT 1 FROM product_holds h WHERE h.product_id = products.id) \
             THEN 'unpublished' ELSE $2 END, title = $3, description = $4, \
             languages = $5, tags = $6, cover_key = $7, published_at_ms = $8, \
             updated_at_ms = $9 WHERE id = $10",
        )
        .bind(p.kind.as_str())
        .bind(p.status.as_str())
        .bind(rows::to_json(&p.title)?)
        .bind(rows::to_json(&p.description)?)
        .bind(languages_column(p))
        .bind(rows::to_json(&p.tags)?)
        .bind(p.cover_key.clone())
        .bind(p.published_at_ms)
        .bind(now_ms)
        .bind(p.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.write_prices(&mut tx, p).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn product(&self, id: ProductId) -> StoreResult<Option<Product>> {
        // One round trip: the product row repeated once per price.
        let sql = AssertSqlSafe(format!(
            "{PRODUCT_SELECT}, pp.currency, pp.amount_minor AS price_minor \
             FROM products p JOIN accounts a ON a.id = p.creator_id \
             LEFT JOIN product_prices pp ON pp.product_id = p.id \
             WHERE p.id = $1 ORDER BY pp.position"
        ));
        let found = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let Some(first) = found.first() else {
            return Ok(None);
        };
        let mut product = rows::product(first)?;
        let mut prices = Vec::with_capacity(found.len());
        for row in &found {
            if let Some(code) = rows::opt_text(row, "currency")? {
                let currency = Currency::from_code(&code)
                    .map_err(|_| StoreError::Corrupt(format!("currency {code:?}")))?;
                prices.push(Money::new(rows::int(row, "price_minor")?, currency));
            }
        }
        product.prices = PriceList::new(prices).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(product))
    }

    async fn list_products(&self, filter: &ProductFilter) -> StoreResult<Vec<Product>> {
        let (clause, values) = filter_clause(filter);
        let limit = if filter.limit > 0 { filter.limit } else { 100 };
        let sql = format!(
            "{PRODUCT_SELECT}{PRODUCT_FROM}{clause} \
             ORDER BY COALESCE(p.published_at_ms, p.created_at_ms) DESC, p.id \
             LIMIT {limit} OFFSET {}",
            filter.offset.max(0)
        );
        let found = bind_all(sqlx::query(AssertSqlSafe(sql)), values)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let mut products = found
            .iter()
            .map(rows::product)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_prices(&mut products).await?;
        Ok(products)
    }

    async fn count_products(&self, filter: &ProductFilter) -> StoreResult<i64> {
        let (clause, values) = filter_clause(filter);
        let sql = format!("SELECT COUNT(*) AS n FROM products p{clause}");
        let row = bind_all(sqlx::query(AssertSqlSafe(sql)), values)
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        rows::int(&row, "n")
    }
}

#[async_trait]
impl LessonStore for SqlStore {
    async fn insert_chapter(&self, c: &Chapter) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO chapters (id, product_id, position, title) VALUES ($1, $2, $3, $4)",
        )
        .bind(c.id.to_string())
        .bind(c.product_id.to_string())
        .bind(c.position)
        .bind(rows::to_json(&c.title)?)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn chapters(&self, product: ProductId) -> StoreResult<Vec<Chapter>> {
        let found = sqlx::query(
            "SELECT id, product_id, position, title FROM chapters \
             WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(rows::chapter).collect()
    }

    async fn insert_lesson(&self, l: &Lesson) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO lessons (id, product_id, chapter_id, position, title, body, preview, \
             release_after_days, release_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(l.id.to_string())
        .bind(l.product_id.to_string())
        .bind(l.chapter_id.map(|c| c.to_string()))
        .bind(l.position)
        .bind(rows::to_json(&l.title)?)
        .bind(rows::to_json(&l.body)?)
        .bind(l.preview)
        .bind(rows::release_after_days(l.release))
        .bind(rows::release_at_ms(l.release))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn lessons(&self, product: ProductId) -> StoreResult<Vec<LessonOutline>> {
        let found = sqlx::query(
            "SELECT id, product_id, chapter_id, position, title, preview, release_after_days, \
             release_at_ms FROM lessons \
             WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(rows::lesson_outline).collect()
    }

    async fn lesson(&self, id: LessonId) -> StoreResult<Option<Lesson>> {
        let row = sqlx::query(
            "SELECT id, product_id, chapter_id, position, title, body, preview, \
             release_after_days, release_at_ms FROM lessons \
             WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.as_ref().map(rows::lesson).transpose()
    }

    async fn set_lesson_release(&self, id: LessonId, release: Release) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE lessons SET release_after_days = $1, release_at_ms = $2 WHERE id = $3",
        )
        .bind(rows::release_after_days(release))
        .bind(rows::release_at_ms(release))
        .bind(id.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn update_lesson(&self, l: &Lesson) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE lessons SET chapter_id = $1, position = $2, title = $3, body = $4, \
             preview = $5 WHERE id = $6",
        )
        .bind(l.chapter_id.map(|c| c.to_string()))
        .bind(l.position)
        .bind(rows::to_json(&l.title)?)
        .bind(rows::to_json(&l.body)?)
        .bind(l.preview)
        .bind(l.id.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn swap_lessons(&self, a: LessonId, b: LessonId) -> StoreResult<()> {
        swap_positions(self, "lessons", &a.to_string(), &b.to_string()).await
    }

    async fn delete_lesson(&self, id: LessonId) -> StoreResult<()> {
        let id = id.to_string();
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Write first: on SQLite this takes the write turn before reading, so a writer
        // that commits meanwhile cannot make this transaction's upgrade fail.
        sqlx::query("UPDATE lessons SET position = position WHERE id = $1")
            .bind(id.clone())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        // Bought on its own: the buyer's order and access depend on it.
        let sold = sqlx::query(
            "SELECT 1 FROM orders WHERE lesson_id = $1 \
             UNION ALL SELECT 1 FROM lesson_entitlements WHERE lesson_id = $1 LIMIT 1",
        )
        .bind(id.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if sold.is_some() {
            return Err(StoreError::Conflict);
        }
        for sql in [
            "DELETE FROM marked_copies WHERE media_id IN (SELECT id FROM media WHERE lesson_id = $1)",
            "DELETE FROM media WHERE lesson_id = $1",
            "DELETE FROM lesson_progress WHERE lesson_id = $1",
            "DELETE FROM lesson_prices WHERE lesson_id = $1",
            "DELETE FROM lessons WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn rename_chapter(&self, id: ChapterId, title: &LocalizedText) -> StoreResult<()> {
        sqlx::query("UPDATE chapters SET title = $1 WHERE id = $2")
            .bind(rows::to_json(title)?)
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn swap_chapters(&self, a: ChapterId, b: ChapterId) -> StoreResult<()> {
        swap_positions(self, "chapters", &a.to_string(), &b.to_string()).await
    }

    async fn delete_chapter(&self, id: ChapterId) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("UPDATE lessons SET chapter_id = NULL WHERE chapter_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM chapters WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}

/// Swaps the `position` of two rows of `table` (lessons or chapters) in one transaction.
async fn swap_positions(store: &SqlStore, table: &str, a: &str, b: &str) -> StoreResult<()> {
    let mut tx = store.pool().begin().await.map_err(db_error)?;
    let read = AssertSqlSafe(format!(
        "SELECT id, position FROM {table} WHERE id IN ($1, $2)"
    ));
    let found = sqlx::query(read)
        .bind(a.to_owned())
        .bind(b.to_owned())
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
    let position = |id: &str| -> StoreResult<i64> {
        for row in &found {
            if rows::text(row, "id")? == id {
                return rows::int(row, "position");
            }
        }
        Err(StoreError::NotFound)
    };
    let (pa, pb) = (position(a)?, position(b)?);
    for (id, p) in [(a, pb), (b, pa)] {
        let write = AssertSqlSafe(format!("UPDATE {table} SET position = $1 WHERE id = $2"));
        sqlx::query(write)
            .bind(p)
            .bind(id.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)
}

#[async_trait]
impl LessonPriceStore for SqlStore {
    async fn lesson_prices(&self, lesson: LessonId) -> StoreResult<Vec<Money>> {
        let found = sqlx::query(
            "SELECT currency, amount_minor FROM lesson_prices WHERE lesson_id = $1 \
             ORDER BY currency",
        )
        .bind(lesson.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(lesson_price).collect()
    }

    async fn set_lesson_prices(&self, lesson: LessonId, prices: &[Money]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM lesson_prices WHERE lesson_id = $1")
            .bind(lesson.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for price in prices {
            sqlx::query(
                "INSERT INTO lesson_prices (lesson_id, currency, amount_minor) \
                 VALUES ($1, $2, $3)",
            )
            .bind(lesson.to_string())
            .bind(price.currency.code())
            .bind(price.amount_minor)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn lesson_prices_of(&self, product: ProductId) -> StoreResult<Vec<(LessonId, Money)>> {
        let found = sqlx::query(
            "SELECT lp.lesson_id, lp.currency, lp.amount_minor FROM lesson_prices lp \
             JOIN lessons l ON l.id = lp.lesson_id WHERE l.product_id = $1 \
             ORDER BY lp.lesson_id, lp.currency",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    parse_col::<LessonId>(&rows::text(r, "lesson_id")?, "lesson id")?,
                    lesson_price(r)?,
                ))
            })
            .collect()
    }
}

#[async_trait]
impl BundleStore for SqlStore {
    async fn set_bundle_items(&self, bundle: ProductId, items: &[ProductId]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM bundle_items WHERE bundle_id = $1")
            .bind(bundle.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for item in items {
            sqlx::query("INSERT INTO bundle_items (bundle_id, product_id) VALUES ($1, $2)")
                .bind(bundle.to_string())
                .bind(item.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn bundle_items(&self, bundle: ProductId) -> StoreResult<Vec<ProductId>> {
        let found = sqlx::query(
            "SELECT product_id FROM bundle_items WHERE bundle_id = $1 ORDER BY product_id",
        )
        .bind(bundle.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| parse_col::<ProductId>(&rows::text(r, "product_id")?, "product id"))
            .collect()
    }
}

#[async_trait]
impl ProductSaleStore for SqlStore {
    async fn set_sale(&self, product: ProductId, sale: Option<Sale>) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM product_sales WHERE product_id = $1")
            .bind(product.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if let Some(sale) = sale {
            sqlx::query(
                "INSERT INTO product_sales (product_id, bps, ends_at_ms) VALUES ($1, $2, $3)",
            )
            .bind(product.to_string())
            .bind(i64::from(sale.bps))
            .bind(sale.ends_at_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn sale(&self, product: ProductId) -> StoreResult<Option<Sale>> {
        let row = sqlx::query("SELECT bps, ends_at_ms FROM product_sales WHERE product_id = $1")
            .bind(product.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.map(|r| {
            Ok(Sale {
                bps: u16::try_from(rows::int(&r, "bps")?)
                    .map_err(|_| StoreError::Corrupt("sale bps".into()))?,
                ends_at_ms: rows::int(&r, "ends_at_ms")?,
            })
        })
        .transpose()
    }
}

fn lesson_price(row: &sqlx::any::AnyRow) -> StoreResult<Money> {
    let currency = kenning_domain::money::Currency::from_code(&rows::text(row, "currency")?)
        .map_err(|_| StoreError::Corrupt("currency".into()))?;
    Ok(Money::new(rows::int(row, "amount_minor")?, currency))
}
