// What a new user tripped over, walked again: a phone's header and lesson page, code and
// tables in a lesson, long input, forms that keep what was typed, prices in the buyer's
// country, times in the viewer's zone, a gift from both sides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shot, useKenning } from '../support.mjs';

const env = useKenning();
const PHONE = { width: 390, height: 844 };

async function logIn(page, email, password = 'kenning-demo-2026') {
  await page.goto(`${env.server.base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=submit]');
  await page.waitForSelector('[data-test=who]', { state: 'attached' });
}

/** The page is no wider than the window (nothing runs off to the side). */
async function fitsTheWindow(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner + 1, `page is ${scroll}px wide in a ${inner}px window`);
}

for (const locale of ['en', 'zh-CN']) {
  test(`on a phone the header folds and a lesson comes before its list (${locale})`, async () => {
    const context = await env.chrome.browser.newContext({ locale, viewport: PHONE });
    const page = await context.newPage();
    try {
      await logIn(page, 'ana@demo.kenning.test');
      await page.goto(`${env.server.base}/library`);
      // Signed in, the header is one line: the menu opens on a tap.
      const header = await page.locator('header.top').boundingBox();
      assert.ok(header.height < 140, `header is ${header.height}px tall`);
      assert.equal(await page.isVisible('[data-test=nav-library]'), false);
      await shot(page, `finish-${locale}-phone-header`);
      await page.click('[data-test=menu-button]');
      assert.equal(await page.isVisible('[data-test=nav-library]'), true);
      await shot(page, `finish-${locale}-phone-menu`);
      await fitsTheWindow(page);

      // A lesson: its title and player before the list of lessons.
      await page.click('[data-test=nav-library]');
      await page.locator('[data-test=library-item] a').first().click();
      await page.locator('[data-test=lesson-row] a').first().click();
      await page.waitForSelector('[data-test=lesson-body]');
      const title = await page.locator('[data-test=lesson-title]').boundingBox();
      const list = await page.locator('.lesson-layout aside').boundingBox();
      assert.ok(title.y < list.y, 'the lesson comes first');
      assert.ok(title.y < PHONE.height / 3, `the lesson starts at ${title.y}px`);
      await shot(page, `finish-${locale}-phone-lesson`);
      await fitsTheWindow(page);
    } finally {
      await context.close();
    }
  });
}

test('code blocks scroll in their box, tables have lines, long words wrap', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'en', viewport: PHONE });
  const page = await context.newPage();
  try {
    await logIn(page, 'maya.chen@demo.kenning.test');
    await page.goto(`${env.server.base}/studio/products/new`);
    const long = 'Supercalifragilistic'.repeat(7);
    await page.fill('[data-test=title-en]', `Formatting ${Date.now()} ${long}`);
    await page.fill('[data-test=price-usd]', '5');
    await page.click('[data-test=save-draft]');
    await page.waitForSelector('[data-test=status]');
    const code = 'fn main() { println!("' + 'a very long line of code '.repeat(8) + '"); }';
    const body = [
      '## Code and tables',
      '',
      '```rust',
      code,
      '```',
      '',
      '| Tea | Brew at | Minutes |',
      '| --- | --- | --- |',
      '| Green | 80 °C | 2 |',
      '| Oolong | 95 °C | 3 |',
      '',
      `A word that never ends: ${long}`,
    ].join('\n');
    await page.fill('[data-test=lesson-title-en]', 'Formatting');
    await page.fill('[data-test=lesson-body-en]', body);
    await page.check('[data-test=lesson-preview]');
    await page.click('[data-test=add-lesson]');
    await page.locator('[data-test=studio-lesson] a').first().click();
    await page.waitForSelector('[data-test=lesson-body] pre');
    const pre = await page.locator('[data-test=lesson-body] pre').evaluate((el) => ({
      overflow: getComputedStyle(el).overflowX,
      background: getComputedStyle(el).backgroundColor,
      wider: el.scrollWidth > el.clientWidth,
    }));
    assert.equal(pre.overflow, 'auto');
    assert.ok(pre.wider, 'the long line scrolls inside the block');
    const border = await page.locator('[data-test=lesson-body] td').first()
      .evaluate((el) => getComputedStyle(el).borderTopStyle);
    assert.equal(border, 'solid');
    await fitsTheWindow(page);
    await shot(page, 'finish-en-code-and-tables');
  } finally {
    await context.close();
  }
});

test('forms keep what was typed and say what is wrong beside it (zh-CN)', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  try {
    await logIn(page, 'maya.chen@demo.kenning.test');
    await page.goto(`${env.server.base}/studio/coupons`);
    // A code the server refuses (spaces and punctuation): the form comes back filled.
    await page.fill('[data-test=coupon-code]', 'TOO MUCH!');
    await page.fill('[data-test=coupon-percent]', '15');
    await page.click('[data-test=coupon-create]');
    await page.waitForSelector('[data-test=form-error]');
    assert.equal(await page.inputValue('[data-test=coupon-code]'), 'TOO MUCH!');
    assert.equal(await page.inputValue('[data-test=coupon-percent]'), '15');
    await fitsTheWindow(page);
    await shot(page, 'finish-zh-CN-coupon-refused');

    // A 10,000-character title is refused with a message, not cut.
    await page.goto(`${env.server.base}/studio/products/new`);
    const huge = '长'.repeat(10_000);
    await page.fill('[data-test=title-zh]', huge);
    await page.fill('[data-test=title-en]', 'Too long');
    await page.click('[data-test=save-draft]');
    await page.waitForSelector('[data-test=form-error]');
    assert.equal((await page.inputValue('[data-test=title-zh]')).length, 10_000);
    await shot(page, 'finish-zh-CN-title-refused');
  } finally {
    await context.close();
  }
});

test('the price follows the country chosen, tax included (en)', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'en' });
  const page = await context.newPage();
  try {
    await page.goto(`${env.server.base}/catalog?kind=course`);
    await page.click('[data-test=product-card] >> text=Rust in Practice: Building Fast Web Services');
    const before = (await page.textContent('[data-test=price]')).trim();
    await page.selectOption('[data-test=country-select]', 'DE');
    await page.waitForFunction(
      (was) => document.querySelector('[data-test=price]')?.textContent.trim() !== was,
      before,
    );
    const after = (await page.textContent('[data-test=price]')).trim();
    assert.notEqual(after, before);
    assert.match(await page.textContent('[data-test=tax-note]'), /19/);
    await shot(page, 'finish-en-price-with-tax');
    // Currencies that cannot be priced are not offered.
    const offered = await page.locator('footer select[name=currency] option').allTextContents();
    assert.ok(!offered.includes('BRL'), offered.join(','));
  } finally {
    await context.close();
  }
});

test('live times are shown in the viewer\'s zone, named (zh-CN)', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  try {
    await page.goto(`${env.server.base}/catalog?kind=live_session`);
    await page.locator('[data-test=product-card] a').first().click();
    await page.waitForSelector('[data-test=live-starts]');
    await page.waitForFunction(() => document.documentElement.dataset.zone === 'Asia/Shanghai');
    assert.match(await page.textContent('[data-test=live-starts]'), /Asia\/Shanghai/);
    await shot(page, 'finish-zh-CN-live-in-zone');
  } finally {
    await context.close();
  }
});
