// A person signs up and confirms their address by the link in the mail, forgets their
// password and resets it by mail, applies to become a creator; an operator approves
// them, suspends another person (whose session ends at once) and finds both acts in
// the audit log — in Simplified Chinese and in English, through the real pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, shot, totpCode, useKenning } from '../support.mjs';

const env = useKenning();

const journeys = [
  {
    locale: 'zh-CN',
    name: '小红',
    words: {
      verifySubject: '请验证你的邮箱',
      resetSubject: '重置你的密码',
      approvedSubject: '你现在可以创作和售卖了',
      confirmed: '邮箱已验证',
      sent: '链接已经发出',
      changed: '密码已修改',
      pending: '正在等待运营人员处理',
      audit: '批准创作者',
      suspendedAudit: '停用账户',
    },
  },
  {
    locale: 'en',
    name: 'Robin',
    words: {
      verifySubject: 'Confirm your e-mail address',
      resetSubject: 'Reset your password',
      approvedSubject: 'You can create and sell now',
      confirmed: 'is confirmed',
      sent: 'is on its way',
      changed: 'Your password is changed',
      pending: 'waiting for an operator',
      audit: 'Creator approved',
      suspendedAudit: 'Account suspended',
    },
  },
];

/// The path of the first link to `path` in a mail's text.
function linkIn(mail, path) {
  const found = mail.text.split(/\s+/).find((w) => w.includes(path));
  assert.ok(found, `no ${path} link in ${mail.text}`);
  return new URL(found).pathname;
}

async function signUp(page, base, email, name) {
  await page.goto(`${base}/register`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=display_name]', name);
  await page.fill('input[name=password]', 'first passphrase 2026');
  await page.click('[data-test=submit]');
  await page.waitForSelector('[data-test=who]');
}

for (const j of journeys) {
  test(`accounts by mail, creator applications and the console (${j.locale})`, async () => {
    const base = env.server.base;
    const email = `robin-${j.locale.toLowerCase()}-${Date.now()}@example.com`;
    const context = await env.chrome.browser.newContext({ locale: j.locale });
    const page = await context.newPage();
    const operatorContext = await env.chrome.browser.newContext({ locale: j.locale });
    const operator = await operatorContext.newPage();
    try {
      // Sign up; the confirmation mail is in the person's language.
      await signUp(page, base, email, j.name);
      const verify = await env.server.mail(email, '/verify-email/');
      assert.equal(verify.subject, j.words.verifySubject);
      await page.goto(base + linkIn(verify, '/verify-email/'));
      assert.match(await page.textContent('[data-test=done]'), new RegExp(j.words.confirmed));
      await shot(page, `${j.locale}-accounts-01-confirmed`);
      await page.goto(`${base}/account`);
      await page.waitForSelector('[data-test=verified]');
      await shot(page, `${j.locale}-accounts-02-account`);

      // Forget the password: log out, ask for a link, follow it, choose a new one.
      await page.click('[data-test=logout]');
      await page.goto(`${base}/login`);
      await page.click('[data-test=forgot-password]');
      await page.fill('input[name=email]', email);
      await page.click('[data-test=submit]');
      assert.match(await page.textContent('[data-test=forgot-sent]'), new RegExp(j.words.sent));
      const reset = await env.server.mail(email, '/reset-password/');
      assert.equal(reset.subject, j.words.resetSubject);
      const resetPath = linkIn(reset, '/reset-password/');
      await page.goto(base + resetPath);
      await shot(page, `${j.locale}-accounts-03-reset`);
      await page.fill('input[name=password]', 'second passphrase 2026');
      await page.click('[data-test=submit]');
      assert.match(await page.textContent('[data-test=done]'), new RegExp(j.words.changed));
      // The link works once: a second visit (a stale tab) is told so.
      await page.goto(base + resetPath);
      await page.fill('input[name=password]', 'third passphrase 2026');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=form-error]');
      await shot(page, `${j.locale}-accounts-04-link-used`);
      // The old password no longer opens the account; the new one does.
      await page.goto(`${base}/login`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', 'first passphrase 2026');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=form-error]');
      await page.fill('input[name=password]', 'second passphrase 2026');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=who]');

      // Turn on two-step sign-in with the key the page shows, then sign in with a code.
      await page.goto(`${base}/account#two-factor`);
      await page.fill('[data-test=two-factor-password]', 'second passphrase 2026');
      await page.click('[data-test=two-factor-start]');
      // The set-up shows the secret as a QR code for a phone, and as text.
      assert.equal(await page.locator('[data-test=two-factor-qr] svg').count(), 1);
      const secret = (await page.textContent('[data-test=two-factor-secret]')).trim();
      await page.fill('[data-test=two-factor-code]', totpCode(secret));
      await page.click('[data-test=two-factor-confirm]');
      await page.waitForSelector('[data-test=recovery-codes]');
      await shot(page, `${j.locale}-accounts-04b-two-factor`);
      await page.click('[data-test=logout]');
      await page.goto(`${base}/login`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', 'second passphrase 2026');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=login-code]');
      await page.fill('[data-test=login-code]', '000000');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=form-error]');
      // The setup took this step's code: the next step's works (apps run a step ahead).
      await page.fill('[data-test=login-code]', totpCode(secret, 1));
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=who]');

      // Apply to become a creator.
      await page.click('[data-test=nav-become-creator]');
      await page.fill('input[name=name]', j.name);
      await page.fill('textarea[name=bio]', 'Data engineering, hands-on.');
      await page.fill('input[name=currency_0]', 'CNY');
      await page.fill('input[name=reference_0]', '6222 0000 1111 2222');
      await page.click('[data-test=apply-submit]');
      assert.match(await page.textContent('[data-test=application-status]'), new RegExp(j.words.pending));
      await shot(page, `${j.locale}-accounts-05-applied`);

      // The operator approves it from the console.
      await operator.goto(`${base}/login`);
      await operator.fill('input[name=email]', ADMIN.email);
      await operator.fill('input[name=password]', ADMIN.password);
      await operator.click('[data-test=submit]');
      await operator.waitForSelector('[data-test=nav-admin]');
      await operator.click('[data-test=nav-admin]');
      await operator.click('[data-test=admin-applications]');
      const card = operator.locator('[data-test=application]', { hasText: j.name });
      await shot(operator, `${j.locale}-accounts-06-applications`);
      await card.locator('[data-test=approve]').click();
      await operator.waitForURL(/\/admin\/applications/);
      const approved = await env.server.mail(email, '/studio');
      assert.equal(approved.subject, j.words.approvedSubject);
      // The person's next page shows the studio.
      await page.goto(base + linkIn(approved, '/studio'));
      await page.waitForSelector('[data-test=nav-studio]');

      // The operator suspends them: their session ends at once.
      await operator.goto(`${base}/admin/users?q=${encodeURIComponent(email)}`);
      await operator.click(`[data-test=person] >> text=${j.name}`);
      await operator.fill('[data-test=suspend-reason]', 'Shared paid videos');
      await operator.click('[data-test=suspend]');
      await operator.waitForSelector('[data-test=suspended]');
      await shot(operator, `${j.locale}-accounts-07-suspended`);
      await page.goto(`${base}/library`);
      await page.waitForURL(/\/login/);

      // Both acts are in the audit log.
      await operator.goto(`${base}/admin/audit`);
      const log = await operator.textContent('[data-test=audit-log]');
      assert.match(log, new RegExp(j.words.audit));
      assert.match(log, new RegExp(j.words.suspendedAudit));
      assert.match(log, /Shared paid videos/);
      await shot(operator, `${j.locale}-accounts-08-audit`);

      // On a phone-sized window the console still reads.
      await operator.setViewportSize({ width: 390, height: 844 });
      await operator.goto(`${base}/admin/audit`);
      await shot(operator, `${j.locale}-accounts-09-audit-phone`);
    } finally {
      await context.close();
      await operatorContext.close();
    }
  });
}
