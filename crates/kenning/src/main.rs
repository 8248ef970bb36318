//! `kenning`: the command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use kenning::config::{EXAMPLE, Overrides};
use kenning::{NodeRole, Settings, build_app, open_store};
use kenning_app::accounts::{Registration, random_token};
use kenning_domain::account::Role;
use kenning_domain::jobs::JobStatus;
use tracing_subscriber::EnvFilter;

/// jemalloc rather than the system allocator: it hands freed memory back to the
/// operating system (a background thread purges pages unused for ten seconds), so
/// the peaks of loading the demo, training or marking a document do not stay in the
/// resident size. It is built with one arena (`.cargo/config.toml`), which keeps an idle
/// server smaller. Operators tune it with `MALLOC_CONF` (e.g. `dirty_decay_ms:1000`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
        /// What this node runs: `web` (pages and the API), `worker` (background jobs)
        /// or `all`. Several nodes share one PostgreSQL database.
        #[arg(long, env = "KENNING_ROLE", value_enum, default_value_t = NodeRole::All)]
        role: NodeRole,
    },
    /// Background jobs: lists the failed ones, or queues one again.
    Jobs {
        #[command(subcommand)]
        command: Option<JobsCommand>,
        /// Which jobs to list: failed (default), queued, running, done or all.
        #[arg(long, default_value = "failed")]
        status: String,
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
    /// Print the effective configuration (file, environment and flags resolved) as
    /// TOML, with every secret shown as `***`.
    Config,
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
    /// Indexes every published product again: checks here that each one indexes, then
    /// queues a job that marks them all changed, so every running server indexes them
    /// again as it follows the change feed. Safe to run while servers run or not.
    Reindex,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Queue a failed job again, now, with its attempts reset.
    Retry { id: i64 },
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
    if let Command::Config = cli.command {
        print!("{}", settings.redacted());
        return Ok(());
    }
    let store = open_store(&settings).await?;
    match cli.command {
        Command::DefaultConfig | Command::Recs { .. } | Command::Config => Ok(()),
        Command::Migrate => {
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let app = build_app(store, &settings)?;
            kenning::demo::load(&app).await
        }
        Command::Serve { demo, role } => {
            let settings = Settings { role, ..settings };
            let app = build_app(store, &settings)?;
            if demo {
                kenning::demo::load(&app).await?;
            }
            if !role.serves() {
                tracing::info!("Kenning is running jobs (no HTTP: --role worker)");
                let background = kenning::background::start(&app, role).await?;
                shutdown_signal().await;
                drop(background);
                return Ok(());
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
            let job = app
                .request_search_rebuild()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match job {
                Some(id) => println!(
                    "indexed {indexed} published products; job {id} asks every running server \
                     to index them again"
                ),
                None => println!("indexed {indexed} published products"),
            }
            Ok(())
        }
        Command::Jobs { command, status } => {
            let app = build_app(store, &settings)?;
            match command {
                Some(JobsCommand::Retry { id }) => {
                    let job = app
                        .retry_failed_job(id)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("job {} ({}) queued again", job.id, job.kind);
                }
                None => {
                    let status = match status.as_str() {
                        "all" => None,
                        s => Some(JobStatus::parse(s).ok_or_else(|| {
                            anyhow::anyhow!(
                                "unknown status {s:?}: use failed, queued, running, done or all"
                            )
                        })?),
                    };
                    let jobs = app
                        .list_jobs(status, 200)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    if jobs.is_empty() {
                        println!("no jobs");
                    }
                    for j in jobs {
                        println!(
                            "{}\t{}\t{}\tattempts {}\t{}",
                            j.id,
                            j.kind,
                            j.status.as_str(),
                            j.attempts,
                            j.last_error.as_deref().unwrap_or("")
                        );
                    }
                }
            }
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
