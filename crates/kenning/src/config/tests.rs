//! How settings are read: files, environment, flags, and what is refused.

use super::*;

#[test]
fn defaults_need_no_configuration() {
    let s = Settings::resolve(&Overrides::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
    assert!(s.database_url.expose().starts_with("sqlite://"));
    assert!(s.database_url.expose().ends_with("kenning.db"));
}

#[test]
fn the_example_file_parses() {
    let parsed: Result<FileSettings, _> = toml::from_str(EXAMPLE);
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn unknown_keys_are_refused() {
    let parsed: Result<FileSettings, _> = toml::from_str("adress = \"127.0.0.1:1\"");
    assert!(parsed.is_err());
}

const PASSWORD: &str = "hunter2-db-pass";
const STRIPE_KEY: &str = "sk_live_never_printed_4242";
const WEBHOOK: &str = "whsec_never_printed_4242";

#[derive(clap::Parser)]
struct Cli {
    #[command(flatten)]
    overrides: Overrides,
}

#[test]
fn secrets_never_print() {
    use clap::Parser as _;
    let cli = Cli::try_parse_from([
        "kenning",
        "--database-url",
        &format!("postgres://kenning:{PASSWORD}@db.internal:5432/kenning?sslmode=require&password={PASSWORD}"),
        "--stripe-secret-key",
        STRIPE_KEY,
        "--stripe-webhook-secret",
        WEBHOOK,
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let s = Settings::resolve(&cli.overrides).unwrap_or_else(|e| panic!("{e}"));
    // The secrets are there to be used …
    assert!(s.database_url.expose().contains(PASSWORD));
    // … but not in anything printed.
    for printed in [
        format!("{s:?}"),
        format!("{s:#?}"),
        s.redacted(),
        format!("{}", s.database_url),
    ] {
        for secret in [PASSWORD, STRIPE_KEY, WEBHOOK] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
    assert_eq!(
        s.database_url.redacted(),
        "postgres://kenning:***@db.internal:5432/kenning?sslmode=require&password=***"
    );
    let printed = s.redacted();
    assert!(printed.contains("stripe_secret_key = \"***\""), "{printed}");
    assert!(
        printed.contains("stripe_webhook_secret = \"***\""),
        "{printed}"
    );
    // What is printed is a configuration file again (secrets aside).
    let parsed: Result<FileSettings, _> = toml::from_str(&printed);
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn urls_without_a_password_print_as_they_are() {
    for url in [
        "sqlite://kenning-data/kenning.db",
        "postgres://postgres@127.0.0.1/postgres",
        "postgres://127.0.0.1/k?user=a",
        "postgresql://a:b@[::1]:5432/x",
    ] {
        let redacted = DatabaseUrl::from(url).redacted();
        if url.contains(":b@") {
            assert_eq!(redacted, "postgresql://a:***@[::1]:5432/x");
        } else {
            assert_eq!(redacted, url);
        }
    }
}

#[test]
fn flags_win_over_the_file() {
    let dir = std::env::temp_dir().join(format!("kenning-cfg-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("k.toml");
    let _ = std::fs::write(&file, "addr = \"127.0.0.1:9000\"\nplatform_fee_bps = 500\n");
    let overrides = Overrides {
        config: Some(file),
        addr: Some(SocketAddr::from(([127, 0, 0, 1], 9100))),
        ..Overrides::default()
    };
    let s = Settings::resolve(&overrides).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.addr.port(), 9100);
    assert_eq!(s.platform_fee_bps, 500);
    let _ = std::fs::remove_dir_all(dir);
}
