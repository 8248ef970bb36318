// Starts a real Kenning server with the demo catalog on a free loopback port and a
// headless Debian Chromium, both thrown away after the test.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import PostalMime from 'postal-mime';

const root = resolve(import.meta.dirname, '..');
export const artifacts = join(root, 'e2e', 'artifacts');
mkdirSync(artifacts, { recursive: true });

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

// The operator every journey server has (the test clock needs one).
export const ADMIN = { email: 'operator@e2e.kenning.test', password: 'e2e operator password' };

export async function startServer() {
  const bin =
    process.env.KENNING_BIN ??
    join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'kenning');
  const dataDir = mkdtempSync(join(tmpdir(), 'kenning-e2e-'));
  const port = await freePort();
  // The demo runs on its own SQLite file, whatever the environment says.
  const env = { ...process.env };
  delete env.KENNING_DATABASE_URL;
  delete env.KENNING_CONFIG;
  // An operator, for the journeys that move the test clock (renewals).
  const made = spawnSync(
    bin,
    ['--data-dir', dataDir, 'admin', 'create', '--email', ADMIN.email, '--role', 'admin', '--password', ADMIN.password],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (made.status !== 0) throw new Error('could not create the e2e operator');
  // A real SMTP server on loopback (aiosmtpd, from PyPI) that files each mail in a
  // Maildir the journeys read.
  const smtpPort = await freePort();
  const maildir = join(dataDir, 'maildir');
  const smtp = spawn('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const child = spawn(
    bin,
    ['--data-dir', dataDir, '--addr', `127.0.0.1:${port}`, '--test-clock', 'true', '--smtp-url', `smtp://127.0.0.1:${smtpPort}`, 'serve', '--demo'],
    { stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`kenning exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('kenning did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    /// The newest mail to `to` whose text contains `containing`, waiting for it (mail
    /// is sent by a background job).
    async mail(to, containing) {
      const until = Date.now() + 20_000;
      for (;;) {
        const dir = join(maildir, 'new');
        let files = [];
        try {
          // Maildir names start with the arrival time: <seconds>.M<microseconds>P…
          const at = (name) => {
            const m = /^(\d+)\.M(\d+)/.exec(name);
            return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
          };
          files = readdirSync(dir).sort((a, b) => at(a) - at(b));
        } catch {
          // no mail yet
        }
        const found = [];
        for (const file of files) {
          const parsed = await PostalMime.parse(readFileSync(join(dir, file)));
          const rcpt = (parsed.to ?? []).map((a) => a.address.toLowerCase());
          if (rcpt.includes(to.toLowerCase()) && (parsed.text ?? '').includes(containing)) found.push(parsed);
        }
        if (found.length > 0) return found[found.length - 1];
        if (Date.now() > until) throw new Error(`no mail to ${to} with ${containing}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      smtp.kill('SIGTERM');
      // Whatever the journeys bought, paid, refunded or paid out, the books must
      // still balance and every paid order must have granted what it sold.
      const verified = spawnSync(bin, ['--data-dir', dataDir, 'ledger', 'verify'], {
        env,
        encoding: 'utf8',
      });
      rmSync(dataDir, { recursive: true, force: true });
      if (verified.status !== 0) {
        throw new Error(`kenning ledger verify failed after the journeys:\n${verified.stdout}${verified.stderr}`);
      }
    },
  };
}

export async function launchBrowser() {
  // playwright gives every launch a fresh, temporary profile directory.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/// Registers hooks that start a server and a browser for the tests of one file; the
/// returned object holds them once the hooks have run.
export function useKenning() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.chrome = await launchBrowser();
  });
  after(async () => {
    await env.chrome?.close();
    await env.server?.stop();
  });
  return env;
}

/// The six-digit code an authenticator app shows for a base32 secret, `offsetSteps`
/// 30-second steps from now (RFC 6238, as the apps make it).
export function totpCode(secret, offsetSteps = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const step = Math.floor(Date.now() / 1000 / 30) + offsetSteps;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}
