// Buying from abroad: a visitor from Germany sees euro prices with VAT, buys a bundle,
// opens the receipt and its PDF, buys one lesson on its own, and an affiliate's link
// earns its owner a commission that shows on their earnings page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { shot, useKenning } from '../support.mjs';

const env = useKenning();

async function register(page, name) {
  const email = `${name.toLowerCase()}-${Date.now()}@example.com`;
  await page.goto(`${env.server.base}/register`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=display_name]', name);
  await page.fill('input[name=password]', 'a long enough password');
  await page.click('[data-test=submit]');
  await page.waitForSelector('[data-test=who]');
  return email;
}

async function open(page, title) {
  await page.fill('[data-test=searchbox]', title);
  await page.press('[data-test=searchbox]', 'Enter');
  await page.click(`[data-test=search-result] h3 >> text=${title}`);
  await page.waitForSelector('[data-test=buy], [data-test=owned]');
}

async function pay(page) {
  await page.fill('[data-test=card-number]', '4242 4242 4242 4242');
  await page.click('[data-test=pay]');
}

test('a buyer abroad pays VAT in euros, gets a receipt, and buys a single lesson', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'de-DE', acceptDownloads: true });
  const page = await context.newPage();
  try {
    await register(page, 'Anna');
    // Prices in euros: the creator set yuan and dollars; euros come from the rate table.
    await page.selectOption('footer select[name=currency]', 'EUR');
    await page.click('[data-test=prefs-save]');
    await open(page, 'Rust Starter Pack');
    assert.match(await page.textContent('[data-test=price]'), /€29\.99/);
    assert.equal((await page.textContent('[data-test=tax-note]')).trim(), 'Includes 19% tax (DE)');
    assert.equal(await page.inputValue('[data-test=country-select]'), 'DE');
    await shot(page, 'money-01-bundle-in-euros');

    await page.click('[data-test=buy]');
    await page.waitForSelector('[data-test=order-tax]');
    const checkout = page.url();
    assert.equal((await page.textContent('[data-test=order-tax]')).trim(), '€4.79');
    assert.equal((await page.textContent('[data-test=order-total]')).trim(), '€29.99');
    await pay(page);
    await page.waitForSelector('[data-test=owned]');

    // Both products of the bundle are in the library.
    await page.goto(`${env.server.base}/library`);
    const library = await page.textContent('main');
    assert.ok(library.includes('Rust in Practice'), library);
    assert.ok(library.includes('The Async Rust Handbook'), library);

    // The receipt, printable and as a PDF.
    await page.goto(checkout);
    await page.click('[data-test=receipt-link]');
    await page.waitForSelector('[data-test=receipt]');
    const rows = await page.locator('[data-test=receipt-row]').allTextContents();
    assert.ok(rows.includes('€4.79'), rows.join(' | '));
    assert.ok(rows.includes('Card ending 4242'), rows.join(' | '));
    const receipt = await page.textContent('[data-test=receipt]');
    assert.ok(receipt.includes('Tax 19% (DE), included'), receipt);
    // Numbered in the year's series; without a configured merchant the creator sells.
    assert.match(receipt, /Receipt no\. \d{4}-\d{6}/);
    assert.ok(receipt.includes('Sold by '), receipt);
    await shot(page, 'money-02-receipt');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test=receipt-pdf]'),
    ]);
    assert.match(download.suggestedFilename(), /^receipt-.*\.pdf$/);
    const pdf = readFileSync(await download.path());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');

    // One lesson of another course, bought on its own.
    await open(page, 'Database Internals for Application Engineers');
    await page.click('[data-test=sold-alone] >> xpath=preceding-sibling::a[1]');
    await page.waitForSelector('[data-test=buy-lesson]');
    await page.click('[data-test=buy-lesson]');
    await page.waitForSelector('[data-test=order-total]');
    await pay(page);
    await page.waitForSelector('[data-test=lesson-body]');
    await shot(page, 'money-03-lesson-alone');

    // The library lists the lesson; the order history lists both orders with receipts.
    await page.goto(`${env.server.base}/library`);
    assert.ok((await page.textContent('[data-test=library-lessons]')).includes('Indexes that pay off'));
    await page.click('[data-test=order-history-link]');
    const statuses = await page.locator('[data-test=order-status]').allTextContents();
    assert.deepEqual(statuses, ['Paid', 'Paid']);
    assert.equal(await page.locator('[data-test=order-receipt]').count(), 2);
  } finally {
    await context.close();
  }
});

test("an affiliate's link pays them a commission", async () => {
  const affiliateContext = await env.chrome.browser.newContext({ locale: 'en-US' });
  const buyerContext = await env.chrome.browser.newContext({ locale: 'zh-CN' });
  const affiliate = await affiliateContext.newPage();
  const buyer = await buyerContext.newPage();
  try {
    await register(affiliate, 'Ava');
    await affiliate.click('[data-test=nav-earnings]');
    await affiliate.waitForSelector('[data-test=no-earnings]');
    // The link is whole (it works pasted anywhere) and a button copies it.
    const link = await affiliate.inputValue('[data-test=my-referral-link]');
    assert.match(link, /^https?:\/\/[^/]+\/\?ref=/);
    await affiliateContext.grantPermissions(['clipboard-read', 'clipboard-write']);
    await affiliate.click('[data-test=copy-referral]');
    assert.equal(await affiliate.evaluate(() => navigator.clipboard.readText()), link);

    // A friend follows the link, signs up and buys one of Lin Wei's books.
    await buyer.goto(link);
    await register(buyer, 'Bo');
    await open(buyer, '异步 Rust 手册');
    await buyer.click('[data-test=buy]');
    await buyer.waitForSelector('[data-test=order-total]');
    await pay(buyer);
    await buyer.waitForSelector('[data-test=owned]');

    await affiliate.reload();
    await affiliate.waitForSelector('[data-test=statement-line]');
    const line = await affiliate.textContent('[data-test=statement-line]');
    assert.ok(line.includes('Affiliate'), line);
    assert.ok(line.includes('Sale'), line);
    await shot(affiliate, 'money-04-affiliate-earnings');
  } finally {
    await affiliateContext.close();
    await buyerContext.close();
  }
});

test('a paid question is answered by the creator', async () => {
  const learnerContext = await env.chrome.browser.newContext({ locale: 'en-US' });
  const creatorContext = await env.chrome.browser.newContext({ locale: 'zh-CN' });
  const learner = await learnerContext.newPage();
  const creator = await creatorContext.newPage();
  try {
    await register(learner, 'Quinn');
    await open(learner, 'Ask Lin Wei');
    await learner.fill('[data-test=question-input]', 'Should my handlers hold a database transaction across an await?');
    await learner.click('[data-test=buy]');
    await learner.waitForSelector('[data-test=order-total]');
    await pay(learner);
    await learner.waitForSelector('[data-test=question-asked]');
    assert.match(await learner.textContent('[data-test=question-state]'), /Waiting for an answer until/);

    // Lin Wei answers from her inbox.
    await creator.goto(`${env.server.base}/login`);
    await creator.fill('input[name=email]', 'lin.wei@demo.kenning.test');
    await creator.fill('input[name=password]', 'kenning-demo-2026');
    await creator.click('[data-test=submit]');
    await creator.waitForSelector('[data-test=who]');
    await creator.click('[data-test=nav-questions]');
    const asked = creator.locator('[data-test=inbox-question]', { hasText: 'database transaction' });
    await asked.locator('[data-test=answer-input]').fill('Keep transactions short: never hold one across a slow await.');
    await asked.locator('[data-test=answer-submit]').click();
    await creator.waitForSelector('[data-test=inbox-question] blockquote');
    await shot(creator, 'money-05-question-inbox');

    await learner.reload();
    assert.equal(
      (await learner.textContent('[data-test=question-answer]')).trim(),
      'Keep transactions short: never hold one across a slow await.',
    );
    assert.match(await learner.textContent('[data-test=question-state]'), /^Answered on/);
  } finally {
    await learnerContext.close();
    await creatorContext.close();
  }
});
