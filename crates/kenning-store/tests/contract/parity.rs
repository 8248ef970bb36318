//! Migration parity: after migrating, SQLite and PostgreSQL hold the same tables, the same
//! columns (by name, with compatible types and the same nullability), the same indexes
//! (by name, with the same columns and uniqueness) and the same keys (primary, unique and
//! foreign, by their columns, since each database names them its own way). The queries
//! are the same on both, so a schema that drifts apart is a bug waiting for the backend
//! nobody tried.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sqlx::{AnyPool, Row};

use crate::support::{Backend, TestDb};

/// What a column holds, in terms both databases share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Affinity {
    Integer,
    Text,
    Real,
    Blob,
    /// PostgreSQL BOOLEAN; SQLite keeps booleans as INTEGER 0/1.
    Boolean,
    /// A 32-bit integer on PostgreSQL: the store reads every integer as i64.
    SmallInteger,
    Other,
}

impl Affinity {
    /// SQLite's own rules for a declared type (section 3.1 of its datatype page).
    fn of_sqlite(declared: &str) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Affinity::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Affinity::Text
        } else if t.contains("BLOB") || t.is_empty() {
            Affinity::Blob
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Other
        }
    }

    fn of_postgres(data_type: &str) -> Affinity {
        match data_type {
            "bigint" => Affinity::Integer,
            "integer" | "smallint" => Affinity::SmallInteger,
            "text" | "character varying" | "character" => Affinity::Text,
            "double precision" | "real" => Affinity::Real,
            "bytea" => Affinity::Blob,
            "boolean" => Affinity::Boolean,
            _ => Affinity::Other,
        }
    }

    /// Whether a SQLite column of this affinity and a PostgreSQL one read and write alike
    /// through the store.
    fn compatible(sqlite: Affinity, postgres: Affinity) -> bool {
        matches!(
            (sqlite, postgres),
            (Affinity::Integer, Affinity::Integer | Affinity::Boolean)
                | (Affinity::Text, Affinity::Text)
                | (Affinity::Real, Affinity::Real)
                | (Affinity::Blob, Affinity::Blob)
        )
    }
}

#[derive(Clone, Debug)]
struct Column {
    declared: String,
    affinity: Affinity,
    not_null: bool,
    /// Filled in when an insert leaves it out: a DEFAULT, or a number the database gives
    /// (an INTEGER PRIMARY KEY on SQLite, a sequence on PostgreSQL).
    defaulted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Index {
    table: String,
    unique: bool,
    /// Column names in order (`<expression>` for an expression).
    columns: Vec<String>,
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unique = if self.unique { "UNIQUE " } else { "" };
        write!(f, "{unique}ON {} ({})", self.table, self.columns.join(", "))
    }
}

/// A migrated schema: tables with their columns, the indexes created by name, and each
/// table's keys written out (`PRIMARY KEY (a, b)`, `UNIQUE (c)`,
/// `FOREIGN KEY (d) REFERENCES t (id) ON DELETE CASCADE`).
#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    indexes: BTreeMap<String, Index>,
    keys: BTreeMap<String, BTreeSet<String>>,
}

/// An ON DELETE action as SQLite spells it.
fn on_delete(action: &str) -> &str {
    match action {
        "a" | "NO ACTION" => "NO ACTION",
        "r" | "RESTRICT" => "RESTRICT",
        "c" | "CASCADE" => "CASCADE",
        "n" | "SET NULL" => "SET NULL",
        "d" | "SET DEFAULT" => "SET DEFAULT",
        other => other,
    }
}

fn foreign_key(columns: &[String], table: &str, to: &[String], action: &str) -> String {
    format!(
        "FOREIGN KEY ({}) REFERENCES {table} ({}) ON DELETE {}",
        columns.join(", "),
        to.join(", "),
        on_delete(action)
    )
}

/// Tables that belong to the migration tool, not to Kenning.
fn is_bookkeeping(table: &str) -> bool {
    table == "_sqlx_migrations" || table.starts_with("sqlite_")
}

fn text(row: &sqlx::any::AnyRow, column: &str) -> String {
    row.try_get::<String, _>(column)
        .unwrap_or_else(|e| panic!("{column}: {e}"))
}

fn opt_text(row: &sqlx::any::AnyRow, column: &str) -> Option<String> {
    row.try_get::<Option<String>, _>(column)
        .unwrap_or_else(|e| panic!("{column}: {e}"))
}

fn int(row: &sqlx::any::AnyRow, column: &str) -> i64 {
    row.try_get::<i64, _>(column)
        .unwrap_or_else(|e| panic!("{column}: {e}"))
}

async fn all(pool: &AnyPool, sql: &'static str) -> Vec<sqlx::any::AnyRow> {
    sqlx::query(sql)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();
    let tables = all(
        pool,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .await;
    for table in tables.iter().map(|r| text(r, "name")) {
        if is_bookkeeping(&table) {
            continue;
        }
        let columns = sqlx::query(
            "SELECT name, type, CAST(\"notnull\" AS BIGINT) AS not_null, CAST(pk AS BIGINT) AS pk, \
             CAST(dflt_value IS NOT NULL AS BIGINT) AS defaulted, \
             CAST((SELECT COUNT(*) FROM pragma_table_info($1) WHERE pk > 0) AS BIGINT) AS pk_columns \
             FROM pragma_table_info($1)",
        )
        .bind(&table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        let columns = columns
            .iter()
            .map(|r| {
                let declared = text(r, "type");
                let rowid = int(r, "pk") == 1
                    && int(r, "pk_columns") == 1
                    && declared.eq_ignore_ascii_case("INTEGER");
                (
                    text(r, "name"),
                    Column {
                        defaulted: int(r, "defaulted") == 1 || rowid,
                        affinity: Affinity::of_sqlite(&declared),
                        declared,
                        // A primary key column is never NULL in practice (PostgreSQL
                        // enforces it; SQLite's rowid alias cannot be NULL either).
                        not_null: int(r, "not_null") == 1 || int(r, "pk") > 0,
                    },
                )
            })
            .collect();
        schema.tables.insert(table, columns);
    }
    // Indexes made by CREATE INDEX have their SQL; those behind UNIQUE and PRIMARY KEY
    // constraints (sqlite_autoindex_…) have none and are compared as constraints are: not
    // by name, since each database names them its own way.
    let indexes = all(
        pool,
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' \
         AND sql IS NOT NULL ORDER BY name",
    )
    .await;
    for row in &indexes {
        let name = text(row, "name");
        let table = text(row, "tbl_name");
        let sql = text(row, "sql");
        let columns = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        schema.indexes.insert(
            name,
            Index {
                table,
                unique: sql
                    .trim_start()
                    .to_ascii_uppercase()
                    .starts_with("CREATE UNIQUE"),
                columns: columns
                    .iter()
                    .map(|r| opt_text(r, "name").unwrap_or_else(|| "<expression>".into()))
                    .collect(),
            },
        );
    }
    sqlite_keys(pool, &mut schema).await;
    schema
}

async fn sqlite_keys(pool: &AnyPool, schema: &mut Schema) {
    let mut primary: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for table in schema.tables.keys() {
        let columns =
            sqlx::query("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        let columns: Vec<String> = columns.iter().map(|r| text(r, "name")).collect();
        let keys = schema.keys.entry(table.clone()).or_default();
        if !columns.is_empty() {
            keys.insert(format!("PRIMARY KEY ({})", columns.join(", ")));
        }
        primary.insert(table.clone(), columns);
        // UNIQUE constraints (a CREATE UNIQUE INDEX is an index, compared by name).
        let uniques =
            sqlx::query("SELECT name FROM pragma_index_list($1) WHERE origin = 'u' ORDER BY name")
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        for index in uniques.iter().map(|r| text(r, "name")) {
            let columns = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(&index)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{index}: {e}"));
            let columns: Vec<String> = columns.iter().map(|r| text(r, "name")).collect();
            keys.insert(format!("UNIQUE ({})", columns.join(", ")));
        }
    }
    let foreign = all(
        pool,
        "SELECT m.name AS table_name, CAST(f.id AS BIGINT) AS id, f.\"table\" AS ref_table, \
         f.\"from\" AS from_column, f.\"to\" AS to_column, f.on_delete \
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
    )
    .await;
    // (table, id) → (columns, referenced table, referenced columns, on delete)
    type ForeignKey = (Vec<String>, String, Vec<String>, String);
    let mut by_id: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for row in &foreign {
        let ref_table = text(row, "ref_table");
        let entry = by_id
            .entry((text(row, "table_name"), int(row, "id")))
            .or_insert_with(|| {
                (
                    Vec::new(),
                    ref_table.clone(),
                    Vec::new(),
                    text(row, "on_delete"),
                )
            });
        entry.0.push(text(row, "from_column"));
        // No column named: the referenced table's primary key.
        match opt_text(row, "to_column") {
            Some(to) => entry.2.push(to),
            None => {
                let key = primary.get(&ref_table).cloned().unwrap_or_default();
                if entry.2.is_empty() {
                    entry.2 = key;
                }
            }
        }
    }
    for ((table, _), (columns, ref_table, to, action)) in by_id {
        schema
            .keys
            .entry(table)
            .or_default()
            .insert(foreign_key(&columns, &ref_table, &to, &action));
    }
}

async fn postgres_keys(pool: &AnyPool, schema: &mut Schema) {
    let found = all(
        pool,
        "SELECT CAST(t.relname AS TEXT) AS table_name, CAST(c.contype AS TEXT) AS kind, \
         CAST((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) \
            FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS TEXT) \
           AS key_columns, \
         CAST(r.relname AS TEXT) AS ref_table, \
         CAST((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) \
            FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord) \
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS TEXT) \
           AS ref_columns, \
         CAST(c.confdeltype AS TEXT) AS on_delete \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN pg_class r ON r.oid = c.confrelid \
         WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')",
    )
    .await;
    for row in &found {
        let table = text(row, "table_name");
        if is_bookkeeping(&table) {
            continue;
        }
        let columns = text(row, "key_columns");
        let key = match text(row, "kind").as_str() {
            "p" => format!("PRIMARY KEY ({columns})"),
            "u" => format!("UNIQUE ({columns})"),
            _ => format!(
                "FOREIGN KEY ({columns}) REFERENCES {} ({}) ON DELETE {}",
                opt_text(row, "ref_table").unwrap_or_default(),
                opt_text(row, "ref_columns").unwrap_or_default(),
                on_delete(&text(row, "on_delete"))
            ),
        };
        schema.keys.entry(table).or_default().insert(key);
    }
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();
    let columns = all(
        pool,
        "SELECT CAST(c.table_name AS TEXT) AS table_name, \
         CAST(c.column_name AS TEXT) AS column_name, CAST(c.data_type AS TEXT) AS data_type, \
         CAST(c.is_nullable AS TEXT) AS is_nullable, \
         CAST(CASE WHEN c.column_default IS NULL THEN 0 ELSE 1 END AS BIGINT) AS defaulted \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .await;
    for row in &columns {
        let table = text(row, "table_name");
        if is_bookkeeping(&table) {
            continue;
        }
        let declared = text(row, "data_type");
        schema.tables.entry(table).or_default().insert(
            text(row, "column_name"),
            Column {
                affinity: Affinity::of_postgres(&declared),
                declared,
                not_null: text(row, "is_nullable") == "NO",
                defaulted: int(row, "defaulted") == 1,
            },
        );
    }
    // Indexes made by CREATE INDEX: those behind a constraint (primary keys, UNIQUE
    // columns) are left out, as on SQLite.
    let indexes = all(
        pool,
        "SELECT CAST(ic.relname AS TEXT) AS index_name, CAST(t.relname AS TEXT) AS table_name, \
         ix.indisunique AS is_unique, CAST(a.attname AS TEXT) AS column_name, \
         CAST(k.ord AS BIGINT) AS ord \
         FROM pg_index ix \
         JOIN pg_class ic ON ic.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = current_schema() \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) \
         ORDER BY ic.relname, k.ord",
    )
    .await;
    for row in &indexes {
        let table = text(row, "table_name");
        if is_bookkeeping(&table) {
            continue;
        }
        let index = schema
            .indexes
            .entry(text(row, "index_name"))
            .or_insert_with(|| Index {
                table,
                unique: row
                    .try_get::<bool, _>("is_unique")
                    .unwrap_or_else(|e| panic!("is_unique: {e}")),
                columns: Vec::new(),
            });
        index
            .columns
            .push(opt_text(row, "column_name").unwrap_or_else(|| "<expression>".into()));
    }
    postgres_keys(pool, &mut schema).await;
    schema
}

/// Every difference between the two schemas, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in sqlite.tables.keys() {
        if !postgres.tables.contains_key(table) {
            out.push(format!("table {table}: only on SQLite"));
        }
    }
    for table in postgres.tables.keys() {
        if !sqlite.tables.contains_key(table) {
            out.push(format!("table {table}: only on PostgreSQL"));
        }
    }
    for (table, lite) in &sqlite.tables {
        let Some(pg) = postgres.tables.get(table) else {
            continue;
        };
        for (name, l) in lite {
            let Some(p) = pg.get(name) else {
                out.push(format!("column {table}.{name}: only on SQLite"));
                continue;
            };
            if !Affinity::compatible(l.affinity, p.affinity) {
                out.push(format!(
                    "column {table}.{name}: {} on SQLite, {} on PostgreSQL",
                    l.declared, p.declared
                ));
            }
            if l.not_null != p.not_null {
                let says = |n: bool| if n { "NOT NULL" } else { "nullable" };
                out.push(format!(
                    "column {table}.{name}: {} on SQLite, {} on PostgreSQL",
                    says(l.not_null),
                    says(p.not_null)
                ));
            }
            if l.defaulted != p.defaulted {
                let says = |d: bool| if d { "a default" } else { "no default" };
                out.push(format!(
                    "column {table}.{name}: {} on SQLite, {} on PostgreSQL",
                    says(l.defaulted),
                    says(p.defaulted)
                ));
            }
        }
        for name in pg.keys() {
            if !lite.contains_key(name) {
                out.push(format!("column {table}.{name}: only on PostgreSQL"));
            }
        }
    }
    for (name, l) in &sqlite.indexes {
        match postgres.indexes.get(name) {
            None => out.push(format!("index {name} ({l}): only on SQLite")),
            Some(p) if p != l => {
                out.push(format!("index {name}: {l} on SQLite, {p} on PostgreSQL"))
            }
            Some(_) => {}
        }
    }
    for (name, p) in &postgres.indexes {
        if !sqlite.indexes.contains_key(name) {
            out.push(format!("index {name} ({p}): only on PostgreSQL"));
        }
    }
    let none = BTreeSet::new();
    for table in sqlite
        .tables
        .keys()
        .filter(|t| postgres.tables.contains_key(*t))
    {
        let lite = sqlite.keys.get(table).unwrap_or(&none);
        let pg = postgres.keys.get(table).unwrap_or(&none);
        for key in lite.difference(pg) {
            out.push(format!("{table}: {key} only on SQLite"));
        }
        for key in pg.difference(lite) {
            out.push(format!("{table}: {key} only on PostgreSQL"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_end_with_the_same_tables_columns_and_indexes() {
    const TEST: &str = "parity::both_backends_end_with_the_same_tables_columns_and_indexes";
    let Some(pg) = TestDb::open(Backend::Postgres, TEST).await else {
        return;
    };
    let lite = TestDb::open(Backend::Sqlite, TEST)
        .await
        .unwrap_or_else(|| panic!("SQLite is always there"));
    let (lite_pool, pg_pool) = (lite.pool().await, pg.pool().await);
    let sqlite = sqlite_schema(&lite_pool).await;
    let postgres = postgres_schema(&pg_pool).await;
    lite_pool.close().await;
    pg_pool.close().await;
    lite.close().await;
    pg.close().await;

    // The readers found what they are meant to find.
    for schema in [&sqlite, &postgres] {
        assert!(schema.tables.len() > 40, "{:?}", schema.tables.keys());
        assert!(
            schema
                .tables
                .get("orders")
                .is_some_and(|c| c.contains_key("released_at_ms")),
            "orders.released_at_ms not found"
        );
        assert!(
            schema.indexes.contains_key("jobs_due"),
            "{:?}",
            schema.indexes
        );
        let order_keys = schema.keys.get("orders").cloned().unwrap_or_default();
        for key in [
            "PRIMARY KEY (id)",
            "UNIQUE (buyer_id, idempotency_key)",
            "FOREIGN KEY (buyer_id) REFERENCES accounts (id) ON DELETE NO ACTION",
        ] {
            assert!(order_keys.contains(key), "{key} not among {order_keys:?}");
        }
        assert!(!schema.tables.contains_key("_sqlx_migrations"));
    }
    // And the comparison sees a drift of every kind.
    let mut drifted = Schema {
        tables: sqlite.tables.clone(),
        indexes: sqlite.indexes.clone(),
        keys: sqlite.keys.clone(),
    };
    if let Some(orders) = drifted.tables.get_mut("orders") {
        orders.remove("released_at_ms");
        if let Some(total) = orders.get_mut("amount_minor") {
            total.affinity = Affinity::Text;
            total.declared = "TEXT".into();
        }
    }
    drifted.indexes.remove("jobs_due");
    if let Some(keys) = drifted.keys.get_mut("orders") {
        keys.remove("UNIQUE (buyer_id, idempotency_key)");
    }
    let seen = differences(&drifted, &postgres);
    for drift in [
        "column orders.released_at_ms: only on PostgreSQL",
        "column orders.amount_minor: TEXT on SQLite, bigint on PostgreSQL",
        "index jobs_due (ON jobs (status, run_at_ms)): only on PostgreSQL",
        "orders: UNIQUE (buyer_id, idempotency_key) only on PostgreSQL",
    ] {
        assert!(
            seen.iter().any(|s| s == drift),
            "{drift} not seen in {seen:#?}"
        );
    }

    let found = differences(&sqlite, &postgres);
    assert!(
        found.is_empty(),
        "the SQLite and PostgreSQL migrations end in different schemas; add a migration \
         pair (never edit an applied one) that brings them together:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_migration_exists_for_both_backends() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(backend))
            .unwrap_or_else(|e| panic!("{backend}: {e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert!(sqlite.len() >= 17, "{sqlite:?}");
    assert_eq!(
        sqlite, postgres,
        "migration files differ between the backends"
    );
}
