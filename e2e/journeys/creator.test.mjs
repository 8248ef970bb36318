// A creator publishes a course with a preview lesson, and a visitor sees it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, shot, useKenning } from '../support.mjs';

const env = useKenning();

for (const locale of ['en', 'zh-CN']) {
  test(`a creator publishes a course from the studio (${locale})`, async () => {
    const context = await env.chrome.browser.newContext({ locale });
    const page = await context.newPage();
    try {
      await page.goto(`${env.server.base}/login`);
      await page.fill('input[name=email]', 'maya.chen@demo.kenning.test');
      await page.fill('input[name=password]', 'kenning-demo-2026');
      await page.click('[data-test=submit]');
      await page.click('[data-test=nav-studio]');
      await page.click('[data-test=new-product]');
      const title = `Watercolour basics ${locale} ${Date.now()}`;
      await page.fill('[data-test=title-en]', title);
      await page.fill('[data-test=title-zh]', `水彩入门 ${locale}`);
      await page.fill('[data-test=price-cny]', '68');
      await page.fill('[data-test=price-usd]', '9.99');
      await page.click('[data-test=save-draft]');
      await page.waitForSelector('[data-test=status]');

      await page.fill('[data-test=lesson-title-en]', 'Materials');
      await page.fill('[data-test=lesson-title-zh]', '画材');
      await page.fill('[data-test=lesson-body-en]', '# Materials\n\nPaper, brushes and <script>alert(1)</script> paint.');
      await page.check('[data-test=lesson-preview]');
      await page.click('[data-test=add-lesson]');
      await page.fill('[data-test=lesson-title-en]', 'First wash');
      await page.fill('[data-test=lesson-body-en]', 'Wet the paper first.');
      // It opens three days after purchase (drip release).
      await page.check('[data-test=release-days-choice]');
      await page.fill('[data-test=release-days]', '3');
      await page.click('[data-test=add-lesson]');
      assert.equal(await page.locator('[data-test=studio-lesson]').count(), 2);
      await page.click('[data-test=publish]');
      await page.waitForSelector('[data-test=unpublish]');
      await shot(page, `${locale}-studio-published`);
      const productPath = new URL(await page.getAttribute('[data-test=view-product]', 'href'), env.server.base).pathname;

      // A launch coupon: a quarter off, five uses.
      const code = `WATER-${locale}-${Date.now()}`.toUpperCase();
      await page.goto(`${env.server.base}/studio/coupons`);
      await page.fill('[data-test=coupon-code]', code);
      await page.selectOption('[data-test=coupon-product]', { label: locale === 'en' ? title : `水彩入门 ${locale}` });
      await page.fill('[data-test=coupon-percent]', '25');
      await page.fill('[data-test=coupon-max-uses]', '5');
      await page.click('[data-test=coupon-create]');
      await page.waitForSelector(`[data-test=coupon-row] >> text=${code}`);
      await shot(page, `${locale}-studio-coupon`);
      // A fixed amount off, then ended at once: it stays listed, as ended.
      const fixed = `${code}-FIX`.slice(-32);
      await page.fill('[data-test=coupon-code]', fixed);
      await page.check('[data-test=coupon-off-amount]');
      await page.fill('[data-test=coupon-amount]', '2');
      await page.selectOption('[data-test=coupon-currency]', 'USD');
      await page.click('[data-test=coupon-create]');
      const row = page.locator('[data-test=coupon-row]', { hasText: fixed });
      await row.locator('[data-test=coupon-edit]').click();
      // Deleting asks first.
      page.once('dialog', (d) => d.accept());
      await row.locator('[data-test=coupon-delete]').click();
      await page.waitForURL(/\/studio\/coupons$/);
      assert.equal(await page.locator('[data-test=coupon-row]', { hasText: fixed }).count(), 0);

      // A learner buys it with the coupon: a quarter off USD 9.99 is 2.49, 7.50 to pay.
      const learner = await env.chrome.browser.newContext({ locale: 'en' });
      const l = await learner.newPage();
      await l.goto(`${env.server.base}/login`);
      await l.fill('input[name=email]', 'learner@demo.kenning.test');
      await l.fill('input[name=password]', 'kenning-demo-2026');
      await l.click('[data-test=submit]');
      await l.goto(`${env.server.base}${productPath}?currency=USD`);
      await l.fill('[data-test=coupon-input]', code.toLowerCase());
      await l.click('[data-test=buy]');
      await l.waitForURL(/\/orders\//);
      assert.ok((await l.textContent('[data-test=order-discount]')).includes('2.49'));
      assert.ok((await l.textContent('[data-test=order-total]')).includes('7.50'));
      await l.fill('[data-test=card-number]', '4242 4242 4242 4242');
      await l.click('[data-test=pay]');
      await l.waitForSelector('[data-test=purchase-success]');
      // The dripped lesson says when it opens.
      assert.ok((await l.textContent('[data-test=release-note]')).length > 0);
      await shot(l, `${locale}-coupon-purchase`);
      await learner.close();

      // The outline: a lesson added and deleted, another moved up and back down.
      await page.goto(`${env.server.base}/studio`);
      await page.goto(new URL(productPath.replace('/products/', '/studio/products/'), env.server.base).href);
      await page.fill('[data-test=lesson-title-en]', 'Scratch');
      await page.click('[data-test=add-lesson]');
      assert.equal(await page.locator('[data-test=studio-lesson]').count(), 3);
      await page.locator('[data-test=studio-lesson]', { hasText: 'Scratch' }).locator('[data-test=lesson-delete]').click();
      assert.equal(await page.locator('[data-test=studio-lesson]').count(), 2);
      await page.locator('[data-test=studio-lesson]', { hasText: 'First wash' }).locator('[data-test=lesson-up]').click();
      assert.match(await page.locator('[data-test=studio-lesson]').first().textContent(), /First wash/);
      await page.locator('[data-test=studio-lesson]', { hasText: 'First wash' }).locator('[data-test=lesson-down]').click();
      assert.match(await page.locator('[data-test=studio-lesson]').first().textContent(), /Materials|画材/);
      // Dragged by its handle, then back with the arrow.
      const firstWash = page.locator('[data-test=studio-lesson]', { hasText: 'First wash' });
      await Promise.all([
        page.waitForNavigation(),
        firstWash.locator('[data-drag-handle]').dragTo(page.locator('[data-test=studio-lesson]').first()),
      ]);
      assert.match(await page.locator('[data-test=studio-lesson]').first().textContent(), /First wash/);
      await page.locator('[data-test=studio-lesson]', { hasText: 'First wash' }).locator('[data-test=lesson-down]').click();
      assert.match(await page.locator('[data-test=studio-lesson]').first().textContent(), /Materials|画材/);

      // A chapter, and the second lesson moved into it from its edit page; a new lesson
      // goes to the last chapter unless another is chosen.
      await page.fill('[data-test=chapter-title-en]', 'Practice');
      await page.fill('[data-test=chapter-title-zh]', '练习');
      await page.click('[data-test=add-chapter]');
      await page.waitForSelector('[data-test=studio-chapter]');
      await page.locator('[data-test=studio-lesson]', { hasText: 'First wash' }).locator('[data-test=lesson-edit]').click();
      await page.selectOption('[data-test=lesson-chapter]', { label: locale === 'en' ? 'Practice' : '练习' });
      await page.click('[data-test=lesson-save]');
      await page.waitForSelector('[data-test=studio-chapter]');
      const practice = page.locator('[data-test=studio-chapter]', { hasText: locale === 'en' ? 'Practice' : '练习' });
      assert.equal(await practice.count(), 1);
      assert.equal(
        await page.locator('[data-test=studio-chapter] + ol [data-test=studio-lesson]', { hasText: 'First wash' }).count(),
        1,
      );
      assert.equal(await page.locator('[data-test=lesson-new-chapter]').inputValue(), await page.locator('[data-test=lesson-new-chapter] option').last().getAttribute('value'));
      await shot(page, `${locale}-studio-chapters`);

      // The page as a buyer sees it: said so, and buying is off.
      await page.click('[data-test=preview-product]');
      await page.waitForSelector('[data-test=preview-banner]');
      assert.equal(await page.locator('[data-test=buy]').isDisabled(), true);
      await shot(page, `${locale}-studio-preview`);
      await page.goBack();

      // The creator sees the student, and writes to everyone who bought.
      await page.click('[data-test=students]');
      await page.waitForSelector('[data-test=student] >> text=learner@demo.kenning.test');
      await shot(page, `${locale}-studio-students`);
      await page.goBack();
      await page.fill('[data-test=announce-title]', `Live Q&A ${locale}`);
      await page.fill('[data-test=announce-body]', `Bring your first wash on Friday (${locale}).`);
      await page.click('[data-test=announce-send]');
      const mail = await env.server.mail('learner@demo.kenning.test', `Bring your first wash on Friday (${locale}).`);
      assert.equal(mail.subject, `Live Q&A ${locale}`);
      const reader = await env.chrome.browser.newContext({ locale: 'en' });
      const r = await reader.newPage();
      await r.goto(`${env.server.base}/login`);
      await r.fill('input[name=email]', 'learner@demo.kenning.test');
      await r.fill('input[name=password]', 'kenning-demo-2026');
      await r.click('[data-test=submit]');
      await r.waitForSelector('[data-test=nav-notifications] [data-unread]:not([hidden])');
      await r.click('[data-test=nav-notifications]');
      await r.waitForSelector(`[data-test=notification] >> text=Live Q&A ${locale}`);
      await shot(r, `${locale}-learner-notifications`);
      await reader.close();

      // The creator's public page lists it, with the words they wrote.
      await page.goto(`${env.server.base}/studio/profile`);
      await page.fill('[data-test=profile-bio]', `Painter and teacher (${locale}).`);
      await page.click('[data-test=profile-save]');
      await page.waitForSelector('[data-test=profile-saved]');
      await page.click('[data-test=profile-view]');
      await page.waitForSelector('[data-test=creator-page]');
      assert.match(await page.textContent('[data-test=creator-bio]'), new RegExp(`Painter and teacher \\(${locale}\\)`));
      assert.equal(await page.locator('[data-test=product-card]', { hasText: locale === 'en' ? title : `水彩入门 ${locale}` }).count(), 1);
      await shot(page, `${locale}-creator-page`);

      // An operator takes it off sale with a reason: the creator is told by mail and
      // in the studio, and cannot publish until the operator allows it again.
      const console_ = await env.chrome.browser.newContext({ locale });
      const o = await console_.newPage();
      await o.goto(`${env.server.base}/login`);
      await o.fill('input[name=email]', ADMIN.email);
      await o.fill('input[name=password]', ADMIN.password);
      await o.click('[data-test=submit]');
      await o.goto(`${env.server.base}/admin/products?q=${encodeURIComponent('Watercolour basics ' + locale)}`);
      const listed = o.locator('[data-test=admin-product]').first();
      await listed.locator('[data-test=hold-reason]').fill(`Cover image is not yours (${locale})`);
      await listed.locator('[data-test=product-hold]').click();
      await o.waitForSelector('[data-test=product-held]');
      await shot(o, `${locale}-admin-product-held`);
      const held = await env.server.mail('maya.chen@demo.kenning.test', `Cover image is not yours (${locale})`);
      assert.ok(held.subject.length > 0);
      await page.goto(new URL(productPath.replace('/products/', '/studio/products/'), env.server.base).href);
      await page.waitForSelector('[data-test=studio-held]');
      assert.equal(await page.locator('[data-test=publish]').count(), 0);
      await o.locator('[data-test=admin-product]', { hasText: `Cover image is not yours (${locale})` }).locator('[data-test=product-release]').click();
      await page.reload();
      await page.click('[data-test=publish]');
      await page.waitForSelector('[data-test=unpublish]');
      await console_.close();

      // A visitor sees it, with the first lesson as a preview and the second locked.
      const visitor = await env.chrome.browser.newContext({ locale });
      const v = await visitor.newPage();
      let dialog = false;
      v.on('dialog', async (d) => {
        dialog = true;
        await d.dismiss();
      });
      await v.goto(`${env.server.base}/catalog?kind=course`);
      await v.click(`[data-test=product-card] >> text=${locale === 'en' ? title : `水彩入门 ${locale}`}`);
      assert.equal(await v.locator('[data-test=preview-badge]').count(), 1);
      await v.click('[data-test=lesson-row] a >> nth=0');
      await v.waitForSelector('[data-test=lesson-body]');
      assert.equal(dialog, false, 'no script ran from lesson text');
      await shot(v, `${locale}-visitor-sees-new-course`);
      await visitor.close();
    } finally {
      await context.close();
    }
  });
}
