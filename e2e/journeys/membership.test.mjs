// A learner becomes a member, the membership renews a month later (the operator moves
// the test clock), then they cancel and access ends with the period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, shot, useKenning } from '../support.mjs';

const env = useKenning();

async function advanceDays(days) {
  const base = env.server.base;
  const session = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  }).then((r) => r.json());
  const r = await fetch(`${base}/api/v1/admin/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ advance_days: days }),
  });
  assert.equal(r.status, 200);
}

async function logIn(page, email, password) {
  await page.goto(`${env.server.base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=submit]');
  await page.waitForSelector('[data-test=who]');
}

test('a membership renews with the test clock and ends after cancelling', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const email = `member-${Date.now()}@example.com`;
  const password = 'a long enough password';
  try {
    await page.goto(`${env.server.base}/register`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=display_name]', 'Mo');
    await page.fill('input[name=password]', password);
    await page.click('[data-test=submit]');
    await page.waitForSelector('[data-test=who]');

    // The tier's page says what it includes; subscribing is the usual checkout.
    await page.fill('[data-test=searchbox]', 'Lin Wei All Access');
    await page.press('[data-test=searchbox]', 'Enter');
    await page.click('[data-test=search-result] h3 >> nth=0');
    await page.waitForSelector('[data-test=membership-box]');
    const grants = await page.locator('[data-test=membership-grants] a').allTextContents();
    assert.ok(grants.some((g) => g.includes('Rust in Practice')), grants.join(', '));
    const tierUrl = page.url();
    await page.click('[data-test=buy]');
    await page.fill('[data-test=card-number]', '4242 4242 4242 4242');
    await page.click('[data-test=pay]');
    await page.waitForSelector('[data-test=member-until]');
    await shot(page, 'membership-01-member');

    // A locked lesson of an included course opens.
    await page.click('[data-test=membership-grants] a >> text=Rust in Practice');
    const lessons = await page.locator('[data-test=lesson-row] a').evaluateAll((l) => l.map((a) => a.href));
    const locked = lessons[lessons.length - 1];
    await page.goto(locked);
    await page.waitForSelector('[data-test=lesson-body]');

    // A month later it has renewed (a session does not last a month: log in again).
    await page.goto(`${env.server.base}/library`);
    const before = await page.textContent('[data-test=membership-state]');
    await advanceDays(31);
    await logIn(page, email, password);
    await page.goto(`${env.server.base}/library`);
    const after = await page.textContent('[data-test=membership-state]');
    assert.match(after, /^Renews on/);
    assert.notEqual(after, before, 'the renewal date moved on');
    await shot(page, 'membership-02-renewed');

    // Cancel: it runs to the end of the period, then the course locks again.
    await page.click('[data-test=membership-cancel]');
    await page.waitForSelector('[data-test=membership-resume]');
    assert.match(await page.textContent('[data-test=membership-state]'), /^Cancelled/);
    await page.goto(locked);
    await page.waitForSelector('[data-test=lesson-body]');
    await advanceDays(31);
    await logIn(page, email, password);
    await page.goto(`${env.server.base}/library`);
    assert.equal((await page.textContent('[data-test=membership-state]')).trim(), 'Ended');
    const response = await page.goto(locked);
    assert.equal(response.status(), 403);
    await page.goto(tierUrl);
    assert.equal(await page.locator('[data-test=member-until]').count(), 0);
    await shot(page, 'membership-03-ended');
  } finally {
    await context.close();
  }
});
