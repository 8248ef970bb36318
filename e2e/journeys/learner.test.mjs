// A visitor finds a course, previews it, signs up, is declined once, pays, and studies —
// in Simplified Chinese and in English, through the real pages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { shot, useKenning } from '../support.mjs';

const env = useKenning();

const journeys = [
  {
    locale: 'zh-CN',
    course: 'Rust 实战：从零构建高性能 Web 服务',
    price: '¥199.00',
    search: '数据库',
    found: '写给应用工程师的数据库内核课',
    review: '例子清楚，节奏正好。',
    name: '小明',
    chat: '大家好！',
    question: '回放会保留多久？',
    words: { catalog: '全部内容', register: '注册', buy: '立即购买', declined: '银行卡被拒绝', owned: '购买成功', start: '开始学习', library: '我的学习' },
  },
  {
    locale: 'en',
    course: 'Rust in Practice: Building Fast Web Services',
    price: '$29.99',
    search: 'databse',
    found: 'Database Internals for Application Engineers',
    review: 'Clear examples and a good pace.',
    name: 'Sam',
    chat: 'Hello everyone!',
    question: 'How long is the replay kept?',
    words: { catalog: 'Catalog', register: 'Sign up', buy: 'Buy now', declined: 'declined', owned: 'Thank you', start: 'Start learning', library: 'My library' },
  },
];

for (const j of journeys) {
  test(`a learner finds, buys and studies a course (${j.locale})`, async () => {
    const context = await env.chrome.browser.newContext({ locale: j.locale });
    const page = await context.newPage();
    try {
      await page.goto(env.server.base);
      assert.equal(await page.getAttribute('html', 'lang'), j.locale);
      await shot(page, `${j.locale}-01-home`);

      // The search box on every page understands the language (and a typo in English).
      await page.fill('[data-test=searchbox]', j.search);
      await page.press('[data-test=searchbox]', 'Enter');
      await page.waitForSelector('[data-test=search-result]');
      const first = await page.locator('[data-test=search-result] h3').first().textContent();
      assert.equal(first.trim(), j.found);
      await shot(page, `${j.locale}-01b-search`);

      // Catalog, filtered to courses.
      await page.click(`header nav >> text=${j.words.catalog}`);
      await page.selectOption('[data-test=filter-kind]', 'course');
      await page.click('[data-test=filter-apply]');
      await page.waitForURL(/kind=course/);
      await shot(page, `${j.locale}-02-catalog`);
      await page.click(`[data-test=product-card] >> text=${j.course}`);
      assert.equal((await page.textContent('[data-test=product-title]')).trim(), j.course);
      assert.equal((await page.textContent('[data-test=price]')).trim(), j.price);
      await shot(page, `${j.locale}-03-product`);

      // The free preview opens for anyone.
      const productUrl = page.url();
      await page.click('[data-test=lesson-row] a >> nth=0');
      await page.waitForSelector('[data-test=lesson-body]');
      await shot(page, `${j.locale}-04-preview`);
      await page.goto(productUrl);

      // Sign up from the product page and come back to it.
      await page.click('[data-test=nav-register]');
      await page.fill('input[name=email]', `learner-${j.locale}-${Date.now()}@example.com`);
      await page.fill('input[name=display_name]', j.name);
      await page.fill('input[name=password]', 'short');
      await page.click('[data-test=submit]');
      await page.waitForSelector('[data-test=form-error]');
      await shot(page, `${j.locale}-05-weak-password`);
      await page.fill('input[name=password]', 'a long enough password');
      await page.click('[data-test=submit]');
      await page.waitForURL(productUrl);
      await page.waitForSelector('[data-test=who]');

      // Buy: a declined card first, then the good one.
      await page.click('[data-test=buy]');
      await page.waitForURL(/\/orders\//);
      assert.equal((await page.textContent('[data-test=order-total]')).trim(), j.price);
      await page.fill('[data-test=card-number]', '4000 0000 0000 0002');
      await page.click('[data-test=pay]');
      const error = await page.textContent('[data-test=pay-error]');
      assert.ok(error.includes(j.words.declined), error);
      await shot(page, `${j.locale}-06-declined`);
      await page.fill('[data-test=card-number]', '4242 4242 4242 4242');
      await page.click('[data-test=pay]');
      await page.waitForSelector('[data-test=purchase-success]');
      assert.ok((await page.textContent('[data-test=purchase-success]')).includes(j.words.owned));
      await shot(page, `${j.locale}-07-purchased`);

      // Watch the video lesson: seek, leave, come back at the same second.
      await page.click('[data-test=start-learning]');
      await page.waitForSelector('video[data-player]');
      const saved = page.waitForResponse(
        (r) => r.url().includes('/progress') && r.request().method() === 'POST',
      );
      await page.evaluate(async () => {
        const v = document.querySelector('video[data-player]');
        v.muted = true;
        if (v.readyState < 1) {
          await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
        }
        await v.play();
        v.currentTime = 7;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
        v.pause();
      });
      assert.equal((await saved).status(), 204);
      await shot(page, `${j.locale}-07b-video`);
      await page.reload();
      await page.waitForSelector('[data-test=resume-note]');
      const resumed = await page.evaluate(async () => {
        const v = document.querySelector('video[data-player]');
        if (v.readyState < 1) {
          await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
        }
        await new Promise((r) => setTimeout(r, 300));
        return v.currentTime;
      });
      assert.ok(Math.abs(resumed - 7) < 1, `resumed at ${resumed}`);

      // Study: the second lesson was locked and is now open.
      await page.click('[data-test=next-lesson]');
      await page.waitForSelector('[data-test=lesson-body]');
      await shot(page, `${j.locale}-08-lesson`);

      await page.click('[data-test=nav-library]');
      const items = await page.locator('[data-test=library-item]').allTextContents();
      assert.ok(items.some((t) => t.includes(j.course)), items.join('\n'));
      await shot(page, `${j.locale}-09-library`);

      // Rate the course: the review shows on its page, and rewriting it replaces it.
      await page.goto(productUrl);
      const before = await page.locator('[data-test=review]').count();
      await page.selectOption('[data-test=review-rating]', '4');
      await page.fill('[data-test=review-body]', j.review);
      await page.click('[data-test=review-submit]');
      await page.waitForSelector(`[data-test=review] >> text=${j.review}`);
      await page.selectOption('[data-test=review-rating]', '5');
      await page.click('[data-test=review-submit]');
      await page.waitForSelector('[data-test=review-form]');
      assert.equal(await page.locator('[data-test=review]').count(), before + 1);
      const mine = await page.locator(`[data-test=review]:has-text("${j.review}") .stars`).textContent();
      assert.equal(mine.trim(), '★★★★★');
      assert.ok((await page.textContent('[data-test=product-rating]')).includes('★'));
      await shot(page, `${j.locale}-10-review`);

      // The course comes with a live session: its room counts down and its chat works.
      await page.click('[data-test=includes-live] a');
      await page.waitForSelector('[data-test=live-box]');
      await page.click('[data-test=enter-room]');
      await page.waitForSelector('[data-test=live-room][data-connected=true]');
      await page.waitForFunction(() => /\d\d:\d\d:\d\d/.test(document.querySelector('[data-countdown-text]').textContent));
      await page.fill('[data-test=chat-input]', j.chat);
      await page.click('[data-test=chat-send]');
      await page.waitForSelector(`[data-test=chat-message] >> text=${j.chat}`);
      await page.fill('[data-test=chat-input]', j.question);
      await page.check('[data-test=chat-question]');
      await page.click('[data-test=chat-send]');
      await page.waitForSelector(`[data-test=question] >> text=${j.question}`);
      await shot(page, `${j.locale}-11-live-room`);

      // Finish every lesson: the certificate is issued, verifiable, and downloads as a PDF.
      await page.goto(productUrl);
      const lessonUrls = await page
        .locator('[data-test=lesson-row] a')
        .evaluateAll((links) => links.map((a) => a.href));
      for (const url of lessonUrls) {
        await page.goto(url);
        if (await page.locator('[data-test=mark-done]').count()) {
          await page.click('[data-test=mark-done]');
          await page.waitForSelector('[data-test=lesson-done]');
        }
      }
      await page.goto(productUrl);
      await page.click('[data-test=certificate-link]');
      await page.waitForSelector('[data-test=certificate]');
      assert.equal((await page.textContent('[data-test=certificate-holder]')).trim(), j.name);
      await shot(page, `${j.locale}-12-certificate`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-test=certificate-pdf]'),
      ]);
      const pdf = readFileSync(await download.path());
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    } finally {
      await context.close();
    }
  });
}

test('a learner subscribes to an audio series in a podcast app', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  try {
    await page.goto(`${env.server.base}/register`);
    await page.fill('input[name=email]', `listener-${Date.now()}@example.com`);
    await page.fill('input[name=display_name]', 'Lee');
    await page.fill('input[name=password]', 'a long enough password');
    await page.click('[data-test=submit]');
    await page.waitForSelector('[data-test=who]');
    await page.fill('[data-test=searchbox]', 'Engineering Leadership Weekly');
    await page.press('[data-test=searchbox]', 'Enter');
    await page.click('[data-test=search-result] h3 >> nth=0');
    await page.click('[data-test=buy]');
    await page.fill('[data-test=card-number]', '4242 4242 4242 4242');
    await page.click('[data-test=pay]');
    await page.waitForSelector('[data-test=purchase-success]');

    // The library gives a personal feed address, which a podcast app fetches without
    // any cookie: it must parse as RSS with iTunes tags and playable enclosures.
    await page.click('[data-test=nav-library]');
    const feedUrl = await page.inputValue('[data-test=feed-url]');
    const app = await env.chrome.browser.newContext();
    try {
      const podcastApp = await app.newPage();
      await podcastApp.goto(env.server.base);
      const feed = await podcastApp.evaluate(async (url) => {
        const r = await fetch(url, { credentials: 'omit' });
        const doc = new DOMParser().parseFromString(await r.text(), 'application/xml');
        const items = [...doc.querySelectorAll('item')];
        const enclosure = items[0]?.querySelector('enclosure');
        const first = enclosure
          ? await fetch(enclosure.getAttribute('url'), { headers: { Range: 'bytes=0-99' }, credentials: 'omit' })
          : null;
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.nodeName,
          itunes: doc.getElementsByTagNameNS('http://www.itunes.com/dtds/podcast-1.0.dtd', 'author').length,
          items: items.length,
          enclosureType: enclosure?.getAttribute('type'),
          rangeStatus: first?.status,
          rangeBytes: first ? (await first.arrayBuffer()).byteLength : 0,
        };
      }, feedUrl);
      assert.equal(feed.status, 200);
      assert.equal(feed.error, null);
      assert.equal(feed.root, 'rss');
      assert.ok(feed.itunes > 0, 'iTunes tags');
      assert.ok(feed.items >= 3, `${feed.items} episodes`);
      assert.match(feed.enclosureType, /^audio\//);
      assert.equal(feed.rangeStatus, 206);
      assert.equal(feed.rangeBytes, 100);

      // Rotating the address revokes the old one.
      await page.click('[data-test=feed-rotate]');
      const newUrl = await page.inputValue('[data-test=feed-url]');
      assert.notEqual(newUrl, feedUrl);
      const old = await podcastApp.evaluate(async (url) => (await fetch(url, { credentials: 'omit' })).status, feedUrl);
      assert.equal(old, 404);
      await shot(page, 'podcast-library');
    } finally {
      await app.close();
    }
  } finally {
    await context.close();
  }
});

test('the language can be switched by hand and is remembered', async () => {
  const context = await env.chrome.browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  try {
    await page.goto(`${env.server.base}/catalog`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.selectOption('[data-test=lang-select]', 'zh-CN');
    await page.click('[data-test=prefs-save]');
    await page.waitForURL(/\/catalog$/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.goto(env.server.base);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await shot(page, 'switched-to-zh-CN');
  } finally {
    await context.close();
  }
});
