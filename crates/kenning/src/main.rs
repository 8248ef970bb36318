//! `kenning`: the command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use kenning::config::{EXAMPLE, Overrides};
use kenning::{Settings, build_app, open_store};
use kenning_app::accounts::{Registration, random_token};
use kenning_domain::account::Role;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "kenning",
    version,
    about = "Kenning: a self-hostable knowledge-commerce platform"
)]
struct Cli {
    #[command(flatten)]
    overrides: Overrides,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Load the demo catalog (once; safe to repeat).
        #[arg(long, env = "KENNING_DEMO")]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo catalog and exit.
    Demo,
    /// Operator tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Ledger checks.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Recommender tasks.
    Recs {
        #[command(subcommand)]
        command: RecsCommand,
    },
    /// The search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Print an example configuration file.
    DefaultConfig,
}

#[derive(Subcommand)]
enum RecsCommand {
    /// Offline evaluation: tune every model on a validation split of TRAIN, train it on
    /// TRAIN, recommend 10 unseen items to every user of TEST and score the lists.
    Eval {
        /// Training interactions: `user<TAB>item` per line.
        #[arg(long)]
        train: std::path::PathBuf,
        /// Held-out interactions, same format.
        #[arg(long)]
        test: std::path::PathBuf,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuilds the search index from the database: checks that every published product
    /// indexes, then asks every running server to rebuild its own index (they look every
    /// few seconds). Safe to run while servers are running or not.
    Reindex,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with a role, or give an existing one the role and a new password.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "admin")]
        role: String,
        #[arg(long, default_value = "Admin")]
        display_name: String,
        /// The password (at least 10 characters); generated and printed when omitted.
        #[arg(long, env = "KENNING_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Recompute every transaction; exit non-zero if any does not balance.
    Verify,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr so that command output (e.g. `recs eval --json`) stays clean.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_env("KENNING_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let cli = Cli::parse();
    match &cli.command {
        Command::DefaultConfig => {
            print!("{EXAMPLE}");
            return Ok(());
        }
        Command::Recs {
            command: RecsCommand::Eval { train, test, json },
        } => return kenning_recommender::eval::eval(train, test, *json),
        _ => {}
    }
    let settings = Settings::resolve(&cli.overrides)?;
    let store = open_store(&settings).await?;
    match cli.command {
        Command::DefaultConfig | Command::Recs { .. } => Ok(()),
        Command::Migrate => {
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let app = build_app(store, &settings)?;
            kenning::demo::load(&app).await
        }
        Command::Serve { demo } => {
            let app = build_app(store, &settings)?;
            if demo {
                kenning::demo::load(&app).await?;
            }
            let listener = tokio::net::TcpListener::bind(settings.addr)
                .await
                .with_context(|| format!("binding {}", settings.addr))?;
            let addr = listener.local_addr()?;
            tracing::info!("Kenning is listening on http://{addr}");
            kenning::serve(listener, app, &settings, shutdown_signal()).await
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    role,
                    display_name,
                    password,
                },
        } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!("unknown role {role:?}: use learner, creator or admin")
            })?;
            let app = build_app(store, &settings)?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (random_token()?, true),
            };
            let account = app
                .upsert_account(
                    Registration {
                        email,
                        password: password.clone(),
                        display_name,
                    },
                    role,
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} is now {}", account.email, account.role.as_str());
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::Search {
            command: SearchCommand::Reindex,
        } => {
            let app = build_app(store, &settings)?;
            let indexed = app
                .rebuild_search()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let generation = app
                .request_search_rebuild()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "indexed {indexed} published products; running servers rebuild their index \
                 within {} s (request {generation})",
                kenning::background::FOLLOW_REQUESTS_EVERY.as_secs()
            );
            Ok(())
        }
        Command::Ledger {
            command: LedgerCommand::Verify,
        } => {
            let app = build_app(store, &settings)?;
            let report = app
                .verify_books()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for (what, sum) in &report.unbalanced {
                eprintln!("unbalanced transaction {what}: postings sum to {sum}");
            }
            for id in &report.paid_without_entitlement {
                eprintln!("paid order {id} granted no entitlement");
            }
            for id in &report.entitlement_without_payment {
                eprintln!("entitlement {id} has no paid order or grant behind it");
            }
            for b in &report.receipt_breaks {
                eprintln!(
                    "receipts of {}: {} numbered, highest {}, counter at {}",
                    b.year, b.numbered, b.highest, b.counter
                );
            }
            anyhow::ensure!(report.is_clean(), "the books do not verify");
            println!(
                "ledger balanced; every paid order granted access; every access is paid for; \
                 receipt numbers run without gaps"
            );
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
