#!/usr/bin/env node
// Drives heatlab's simulator page in a real browser (Debian's /usr/bin/chromium, headless, through
// playwright-core): opens <baseUrl>/?screen=<screenId>, moves the mouse over <moves> points spread
// across the screen image (one move every 60 ms, so the page's 20 Hz throttle lets each through),
// clicks 3 times, flushes, and waits until every event sent was acknowledged.
//
//   node drive-simulator.mjs <baseUrl> <screenId> <moves>
//
// Prints one JSON line on stdout: {"screen":…, "sent":N, "acked":N, "retried":N, "failed":N} and
// exits 0; on failure or timeout it prints the same line with an "error" field (when the page got
// that far) and the reason on stderr, and exits 1. Needs `npm install` in simulator-web/ first.
// Environment: CHROMIUM (default /usr/bin/chromium), DRIVE_TIMEOUT_MS (default 30000).
import { chromium } from 'playwright-core';

const [baseUrl, screenId, movesArg] = process.argv.slice(2);
const moves = Number(movesArg);
if (!baseUrl || !screenId || !Number.isInteger(moves) || moves < 0) {
  console.error('usage: node drive-simulator.mjs <baseUrl> <screenId> <moves>');
  process.exit(2);
}
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.DRIVE_TIMEOUT_MS || 30000);
const MOVE_EVERY_MS = 60;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const browser = await chromium.launch({
  executablePath: EXECUTABLE,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  timeout: TIMEOUT_MS,
});

let stats = null;
try {
  // large enough for the page header plus a whole 1280×800 screen, so every point is on screen
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', e => console.error('drive-simulator: page error:', e.message));
  page.setDefaultTimeout(TIMEOUT_MS);

  await page.goto(new URL(`/?screen=${encodeURIComponent(screenId)}`, baseUrl).href);
  await page.waitForFunction(() => {
    const img = document.querySelector('#screen');
    return window.heatlabSimulator && img.dataset.loaded === 'true' && img.complete && img.naturalWidth > 0;
  });
  const shown = await page.evaluate(() => window.heatlabSimulator.stats().screen_id);
  if (shown !== screenId) throw new Error(`the page has no screen '${screenId}' (it shows '${shown}')`);

  const img = page.locator('#screen');
  await img.scrollIntoViewIfNeeded();
  const box = await img.boundingBox();
  const view = page.viewportSize();
  // the visible part of the image, 2 px in from its edges
  const left = Math.max(box.x, 0) + 2, top = Math.max(box.y, 0) + 2;
  const right = Math.min(box.x + box.width, view.width) - 2, bottom = Math.min(box.y + box.height, view.height) - 2;
  const at = (fx, fy) => [left + fx * (right - left), top + fy * (bottom - top)];

  // a Lissajous figure covers the image evenly; consecutive points are close (small steps)
  for (let i = 0; i < moves; i++) {
    const a = (2 * Math.PI * i) / Math.max(moves, 1);
    await page.mouse.move(...at(0.5 + 0.48 * Math.sin(3 * a + 0.5), 0.5 + 0.48 * Math.sin(2 * a)));
    await sleep(MOVE_EVERY_MS);
  }
  for (const [fx, fy] of [[0.25, 0.5], [0.5, 0.62], [0.75, 0.4]]) {
    await page.mouse.click(...at(fx, fy));
    await sleep(MOVE_EVERY_MS);
  }

  const deadline = Date.now() + TIMEOUT_MS;
  // flush() settles once every batch is acked or failed; the loop below re-checks and enforces the deadline
  const deadlineTimer = new Promise(resolve => setTimeout(resolve, TIMEOUT_MS).unref());
  await Promise.race([page.evaluate(() => window.heatlabSimulator.flush()), deadlineTimer]);
  for (;;) {
    stats = await page.evaluate(() => window.heatlabSimulator.stats());
    if (stats.failed > 0) throw new Error(`${stats.failed} batch(es) failed: ${stats.last_error}`);
    if (stats.pending === 0 && stats.buffered === 0 && stats.acked === stats.sent) break;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${TIMEOUT_MS} ms: sent ${stats.sent}, acked ${stats.acked}, `
        + `pending ${stats.pending} batch(es), last error ${stats.last_error}`);
    }
    await sleep(200);
  }
  console.log(JSON.stringify(line(stats)));
} catch (e) {
  if (stats) console.log(JSON.stringify({ ...line(stats), error: e.message }));
  console.error('drive-simulator:', e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}

function line(s) {
  return { screen: screenId, sent: s.sent, acked: s.acked, retried: s.retried, failed: s.failed };
}
