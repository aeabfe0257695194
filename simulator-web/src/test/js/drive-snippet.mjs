#!/usr/bin/env node
// Drives heatlab.js on a customer's site of ANOTHER origin than heatlab: <siteUrl> serves pages that
// embed the snippet from heatlab with one tag (SnippetBrowserIT serves them); this script opens them in
// a real browser (Debian's /usr/bin/chromium through playwright-core) at the desktop capture width,
// moves the mouse, scrolls and clicks known elements, and reports where those elements are on the page.
//
//   node drive-snippet.mjs <siteUrl>
//
// Pages: /pricing/ — taller than the window, #docs near the top and #buy far below the fold;
// /product/12345 — named by the client's path patterns; /opted-out/ — opts out before it is clicked.
// Prints one JSON line: the snippet's stats per page, the buttons' page boxes and the document's size,
// the clicks made on each, and the default screen ids of a table of paths. Exits 1 (reason on stderr)
// on failure. Environment: CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';

const [siteUrl] = process.argv.slice(2);
if (!siteUrl) {
  console.error('usage: node drive-snippet.mjs <siteUrl>');
  process.exit(2);
}
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = 60000;
const WIDTH = 1440; // the desktop viewport class's capture width: the page's layout as screenshotted
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const browser = await chromium.launch({
  executablePath: EXECUTABLE,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  timeout: TIMEOUT_MS,
});
const result = { site: siteUrl };
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } });
  page.setDefaultTimeout(TIMEOUT_MS);
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const ready = () => page.waitForFunction(() => window.heatlab && window.heatlab.stats().client_id === 'demo');

  // ---- /pricing/: moves, a scroll, clicks on both buttons -------------------------------------
  await page.goto(siteUrl + '/pricing/');
  await ready();
  result.screens = await page.evaluate(() => Object.fromEntries(
    ['/', '/pricing/', '/Pricing', '/docs/getting-started/', '/product/12345', '/users/3f2a9c1e-77aa-4d1b-9c11-0a1b2c3d4e5f/settings',
     '/blog/2026/12/hello%20world', '/a/8f3b2c1d9e', '/deadbeef/cafe', '/search?q=shoes#top'].map(p => [p, heatlab.screenOfPath(p)])));
  const box = sel => page.evaluate(s => {
    const r = document.querySelector(s).getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
  }, sel);
  result.doc = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
  result.boxes = { docs: await box('#docs'), buy: await box('#buy') };
  for (let i = 0; i < 30; i++) {                       // moves across the first screenful
    await page.mouse.move(100 + i * 30, 100 + i * 15);
    await sleep(60);                                   // past the 20/s throttle: each move counts
  }
  result.clicks = { docs: 2, buy: 3 };
  const clickCentre = async (sel, n) => {
    await page.locator(sel).scrollIntoViewIfNeeded();
    const r = await page.locator(sel).boundingBox();   // in the window, after scrolling
    for (let i = 0; i < n; i++) await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  };
  await clickCentre('#docs', result.clicks.docs);
  await page.mouse.wheel(0, 1200);                     // scrolled content: page-relative coordinates
  await sleep(200);
  await clickCentre('#buy', result.clicks.buy);
  result.pricing = await page.evaluate(() => heatlab.flush());

  // ---- /product/12345: the client's pattern names the screen ----------------------------------
  await page.goto(siteUrl + '/product/12345');
  await ready();
  await page.waitForFunction(() => heatlab.stats().screen_id === 'product', null, { timeout: 10000 }).catch(() => {});
  await page.mouse.click(200, 200);
  result.product = await page.evaluate(() => heatlab.flush());

  // ---- /opted-out/: nothing is sent after heatlab.optOut() -------------------------------------
  await page.goto(siteUrl + '/opted-out/');
  await ready();
  await page.evaluate(() => heatlab.optOut());
  await page.mouse.click(100, 100);
  await page.mouse.move(300, 300);
  result.optedOut = await page.evaluate(() => heatlab.flush());
  await page.evaluate(() => heatlab.optIn());          // leaves the browser profile as it found it
  result.errors = errors;
} catch (e) {
  failed = true;
  console.error('drive-snippet:', e.stack || e.message);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(failed ? 1 : 0);
