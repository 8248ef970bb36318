//! The mail test servers send: a real SMTP server on loopback (aiosmtpd from PyPI,
//! which files each message in a Maildir), shared by every test of this binary, read
//! back and parsed as a mail program would. Without aiosmtpd (outside CI) servers write
//! mail to their data directory instead, and the same reader reads it there.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The shared SMTP server: its port and its Maildir.
pub struct MailServer {
    pub port: u16,
    dir: PathBuf,
    _child: Child,
}

static SERVER: OnceLock<Option<MailServer>> = OnceLock::new();

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn start() -> Option<MailServer> {
    let have = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "aiosmtpd is required in CI (pip install aiosmtpd)"
        );
        return None;
    }
    let dir = std::env::temp_dir().join(format!("kenning-maildir-{}", std::process::id()));
    let port = free_port();
    // The server ends when this process does: the shell waits on its stdin, which
    // closes with us, and then stops the server.
    let script = format!(
        "python3 -m aiosmtpd -n -l 127.0.0.1:{port} -c aiosmtpd.handlers.Mailbox {dir} & \
         pid=$!; cat >/dev/null; kill $pid; rm -rf {dir}",
        dir = dir.display()
    );
    #[expect(
        clippy::zombie_processes,
        reason = "the server lives as long as the test process, and ends with it"
    )]
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting aiosmtpd: {e}"));
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(MailServer {
                port,
                dir,
                _child: child,
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("aiosmtpd did not start on port {port}");
}

/// The shared SMTP server, started on first use; None without aiosmtpd (outside CI).
pub fn server() -> Option<&'static MailServer> {
    SERVER.get_or_init(start).as_ref()
}

/// A mail as its reader sees it.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<(String, Vec<u8>)>,
}

impl ReceivedMail {
    fn parse(raw: &[u8]) -> Option<ReceivedMail> {
        let parsed = mailparse::parse_mail(raw).ok()?;
        let header = |name: &str| {
            parsed
                .headers
                .iter()
                .find(|h| h.get_key().eq_ignore_ascii_case(name))
                .map(|h| h.get_value())
                .unwrap_or_default()
        };
        let mut mail = ReceivedMail {
            to: header("To"),
            subject: header("Subject"),
            text: String::new(),
            html: String::new(),
            attachments: Vec::new(),
        };
        fn walk(part: &mailparse::ParsedMail<'_>, mail: &mut ReceivedMail) {
            if !part.subparts.is_empty() {
                for sub in &part.subparts {
                    walk(sub, mail);
                }
                return;
            }
            let disposition = part.get_content_disposition();
            if let Some(name) = disposition.params.get("filename") {
                mail.attachments
                    .push((name.clone(), part.get_body_raw().unwrap_or_default()));
            } else if part.ctype.mimetype == "text/plain" {
                mail.text = part.get_body().unwrap_or_default();
            } else if part.ctype.mimetype == "text/html" {
                mail.html = part.get_body().unwrap_or_default();
            }
        }
        walk(&parsed, &mut mail);
        Some(mail)
    }

    /// The first link in the text whose path starts with `path` (e.g. `/verify-email/`),
    /// as a path on the server (so the test follows it on its own port).
    pub fn link(&self, path: &str) -> String {
        self.text
            .split_whitespace()
            .filter_map(|word| word.find(path).map(|at| word[at..].to_owned()))
            .next()
            .unwrap_or_else(|| panic!("no {path} link in {}", self.text))
    }

    /// The token at the end of [`ReceivedMail::link`].
    pub fn token(&self, path: &str) -> String {
        self.link(path).trim_start_matches(path).to_owned()
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for sub in ["", "new", "cur"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            found.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            );
        }
    }
    found
}

/// When a mail arrived, in microseconds: from a Maildir name (`<seconds>.M<micros>P…`,
/// finer than file times), else from the file's time.
fn arrival(path: &Path) -> Option<u128> {
    let name = path.file_name()?.to_str()?;
    let maildir = name.split_once(".M").and_then(|(seconds, rest)| {
        let micros: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(seconds.parse::<u128>().ok()? * 1_000_000 + micros.parse::<u128>().ok()?)
    });
    maildir.or_else(|| {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        Some(
            modified
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_micros(),
        )
    })
}

/// Every mail delivered to `email`, in the shared server or in `data_dir`'s mail
/// folder, oldest first.
pub fn mail_to(data_dir: &Path, email: &str) -> Vec<ReceivedMail> {
    let dir = match server() {
        Some(server) => server.dir.clone(),
        None => data_dir.join("mail"),
    };
    let mut files: Vec<(u128, ReceivedMail)> = files_under(&dir)
        .into_iter()
        .filter_map(|path| {
            let raw = std::fs::read(&path).ok()?;
            Some((arrival(&path)?, ReceivedMail::parse(&raw)?))
        })
        .filter(|(_, mail)| mail.to.to_lowercase().contains(&email.to_lowercase()))
        .collect();
    files.sort_by_key(|(at, _)| *at);
    files.into_iter().map(|(_, mail)| mail).collect()
}
