#!/usr/bin/env node
// Opens heatlab's viewer page in headless Chromium (Debian's, through playwright-core) and reports whether the
// heatmap.js overlay painted anything:
//
//   node check-viewer.mjs <baseUrl> <query>        e.g.  http://127.0.0.1:18080 "screen=pricing&hours=48"
//
// Prints one JSON line: {"total":N, "cells":N, "painted":P, "canvas":"WxH", "summary":"…", "image":{x,y,w,h},
// "overlay":{x,y,w,h}} where P is the number of overlay canvas pixels with alpha > 0, and image/overlay are the
// boxes the screenshot and the heatmap canvas occupy on the page (they must be the same box); exits 0 when the
// page loaded an answer, 1 otherwise.
import { chromium } from 'playwright-core';

const [baseUrl, query] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.DRIVE_TIMEOUT_MS || 30000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, timeout: TIMEOUT_MS,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', e => console.error('check-viewer: page error:', e.message));
  await page.goto(new URL('/viewer.html?' + query, baseUrl).href);
  await page.waitForFunction(() => window.heatlabViewer && window.heatlabViewer.last());
  const result = await page.evaluate(() => {
    const answer = window.heatlabViewer.last();
    const canvas = document.querySelector('#overlay canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    const box = el => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
    return { total: answer.total, cells: answer.cells.length, painted, canvas: canvas.width + 'x' + canvas.height,
             summary: document.querySelector('#summary').textContent, error: document.querySelector('#error').textContent,
             image: box(document.querySelector('#screen')), overlay: box(canvas) };
  });
  console.log(JSON.stringify(result));
} catch (e) {
  console.error('check-viewer:', e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
