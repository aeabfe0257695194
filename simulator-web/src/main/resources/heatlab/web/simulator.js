// heatlab simulator — shows a demo screen (/assets/<id>.png) and sends the pointer events made over
// it to POST /v1/batches, as a real page instrumented with heatlab would.
//
//   capture  mousemove (throttled to ?hz=, default 20/s) and click over the image; x, y normalised
//            to the rendered image and clamped to [0, 1]
//   batch    flush at 50 events, every 2 s, when the screen changes, and on pagehide /
//            visibilitychange→hidden (then with navigator.sendBeacon); a batch holds one screen
//   deliver  fetch with Authorization: Bearer <key>; 202 (any 2xx) = acked; 429 / 5xx / network error =
//            retry the SAME body (same batch_id) with exponential backoff + jitter, honouring
//            Retry-After, capped at 30 s, up to 12 attempts; other 4xx = failed (its `error` is shown)
//
// URL parameters: ?screen=<id> &client=<client id> &key=<write key> &hz=<moves per second>.
// window.heatlabSimulator = { flush(): Promise, stats(): {...} } lets tests drive it.
(() => {
  'use strict';

  const params = new URLSearchParams(location.search);
  const CLIENT_ID = params.get('client') || 'demo';
  const WRITE_KEY = params.get('key') || 'demo-write-key';
  const HZ = Math.min(1000, Math.max(0.1, Number(params.get('hz')) || 20));
  const MAX_EVENTS = 50;           // flush when the buffer holds this many events
  const FLUSH_EVERY_MS = 2000;     // ... or this often
  const BACKOFF_BASE_MS = 500;     // first retry after ~0.5 s, then 1, 2, 4 … s
  const BACKOFF_CAP_MS = 30000;
  const MAX_ATTEMPTS = 12;         // then the batch counts as failed (~4 min of retrying)
  const ENDPOINT = '/v1/batches';

  const $ = sel => document.querySelector(sel);
  const picker = $('#screen-picker'), img = $('#screen'), frame = $('#frame');

  // ---- ids -------------------------------------------------------------------------------------
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  /** A ULID: 48-bit millisecond time + 80 random bits, 26 Crockford base-32 characters. */
  function ulid() {
    let time = '', t = Date.now();
    for (let i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
    let rand = '';
    for (const b of crypto.getRandomValues(new Uint8Array(16))) rand += CROCKFORD[b % 32];
    return time + rand;
  }
  const hex = bytes => [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map(b => b.toString(16).padStart(2, '0')).join('');
  const SESSION_ID = 's-' + hex(4);

  // ---- state -----------------------------------------------------------------------------------
  const counters = { sent: 0, acked: 0, retried: 0, retries: 0, failed: 0, beaconed: 0,
                     batches_sent: 0, batches_acked: 0, last_error: null };
  const inFlight = new Set();      // batches not yet acked or failed
  let screen = null;               // descriptor of the screen shown
  let buffer = [];                 // events of `screen` not yet in a batch
  let lastMoveAt = -Infinity;

  // ---- capture ---------------------------------------------------------------------------------
  const clamp01 = v => Math.min(1, Math.max(0, v));
  const round4 = v => Math.round(v * 10000) / 10000;

  function record(e, type) {
    if (!screen || !img.complete || !img.naturalWidth) return;
    const r = img.getBoundingClientRect();
    buffer.push({ t: Date.now(), x: round4(clamp01(e.offsetX / r.width)),
                  y: round4(clamp01(e.offsetY / r.height)), type });
    if (buffer.length >= MAX_EVENTS) flush();
    render();
  }
  img.addEventListener('mousemove', e => {
    if (e.timeStamp - lastMoveAt < 1000 / HZ) return;
    lastMoveAt = e.timeStamp;
    record(e, 'move');
  });
  img.addEventListener('click', e => record(e, 'click'));
  img.addEventListener('dragstart', e => e.preventDefault());

  // ---- batching and delivery -------------------------------------------------------------------
  /** Cuts the buffer into a batch (its body fixed once, so every retry sends the same bytes). */
  function takeBatch() {
    if (!buffer.length) return null;
    const events = buffer;
    buffer = [];
    const body = JSON.stringify({ client_id: CLIENT_ID, batch_id: ulid(), screen_id: screen.id,
      session_id: SESSION_ID, viewport: { w: innerWidth, h: innerHeight }, events });
    counters.sent += events.length;
    counters.batches_sent++;
    return { body, size: events.length, attempts: 0, retrying: false, waiting: false, beaconed: false };
  }

  /** Sends what is buffered; resolves once every batch not yet settled is acked or failed. */
  function flush() {
    const batch = takeBatch();
    if (batch) {
      batch.done = deliver(batch).finally(() => { inFlight.delete(batch); render(); });
      inFlight.add(batch);
    }
    render();
    return Promise.all([...inFlight].map(b => b.done)).then(stats);
  }

  async function deliver(batch) {
    for (;;) {
      batch.attempts++;
      let delayMs;
      try {
        const res = await fetch(ENDPOINT, { method: 'POST', body: batch.body, keepalive: batch.body.length < 60000,
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + WRITE_KEY } });
        const reply = await res.json().catch(() => ({}));
        if (res.ok) {                         // 202 {accepted, batch_id} or {duplicate: true}
          counters.acked += batch.size;
          counters.batches_acked++;
          return;
        }
        const reason = `${res.status}${reply.error ? ': ' + reply.error : ''}`;
        if (res.status !== 429 && res.status < 500) return fail(reason);
        counters.last_error = reason;
        delayMs = retryAfterMs(res.headers.get('Retry-After'));
      } catch (e) {
        counters.last_error = 'network: ' + e.message;
      }
      if (batch.attempts >= MAX_ATTEMPTS) return fail(`gave up after ${batch.attempts} attempts (${counters.last_error})`);
      if (!batch.retrying) { batch.retrying = true; counters.retried++; }
      counters.retries++;
      render();
      batch.waiting = true;
      await sleep(backoffMs(batch.attempts, delayMs));
      batch.waiting = false;
    }
  }

  function fail(reason) {
    counters.failed++;
    counters.last_error = reason;
  }

  /** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
  function retryAfterMs(header) {
    if (!header) return undefined;
    const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
    return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
  }

  /** Exponential backoff with jitter (50–100 % of the step), or Retry-After plus up to 20 %. */
  function backoffMs(attempt, retryAfter) {
    if (retryAfter !== undefined) return Math.min(BACKOFF_CAP_MS, retryAfter * (1 + 0.2 * Math.random()));
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return step * (0.5 + 0.5 * Math.random());
  }
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

  /** The page goes away: beacon the buffer and the batches waiting for a retry (same batch_id). */
  function beaconAll() {
    const batch = takeBatch();
    const bodies = [...[...inFlight].filter(b => b.waiting && !b.beaconed), ...(batch ? [batch] : [])];
    for (const b of bodies) {
      const blob = new Blob([b.body], { type: 'application/json' });
      b.beaconed = navigator.sendBeacon(ENDPOINT + '?key=' + encodeURIComponent(WRITE_KEY), blob);
      if (b.beaconed) counters.beaconed += b.size;
    }
    render();
  }
  addEventListener('pagehide', beaconAll);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') beaconAll(); });
  setInterval(() => { if (buffer.length) flush(); }, FLUSH_EVERY_MS);

  // ---- screens ---------------------------------------------------------------------------------
  const screens = new Map();

  async function loadScreens() {
    const getJson = async url => {
      const res = await fetch(url, { cache: 'no-store' });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.json();
    };
    const { screens: ids } = await getJson('/assets/screens.json');
    for (const d of await Promise.all(ids.map(id => getJson(`/assets/${encodeURIComponent(id)}.json`)))) {
      screens.set(d.id, d);
      picker.add(new Option(d.title || d.id, d.id));
    }
    const wanted = params.get('screen');
    show(screens.has(wanted) ? wanted : ids[0]);
  }

  function show(id) {
    if (screen && screen.id === id) return;
    flush();                                  // a batch never mixes screens
    screen = screens.get(id);
    picker.value = id;
    img.dataset.loaded = 'false';
    img.dataset.screen = id;
    img.width = screen.width;
    img.height = screen.height;
    img.alt = screen.title || id;
    img.src = '/assets/' + encodeURIComponent(screen.image);
    const url = new URL(location.href);
    url.searchParams.set('screen', id);
    history.replaceState(null, '', url);
    render();
  }
  img.addEventListener('load', () => { img.dataset.loaded = 'true'; });
  img.addEventListener('error', () => { counters.last_error = 'image not found: ' + img.src; render(); });
  picker.addEventListener('change', () => show(picker.value));

  // ---- counters --------------------------------------------------------------------------------
  function stats() {
    return { client_id: CLIENT_ID, session_id: SESSION_ID, screen_id: screen && screen.id, hz: HZ,
             image_loaded: img.dataset.loaded === 'true', buffered: buffer.length, pending: inFlight.size,
             ...counters };
  }

  function render() {
    const s = stats();
    for (const key of ['sent', 'acked', 'retried', 'failed', 'buffered', 'pending']) $('#stat-' + key).textContent = s[key];
    $('#stat-last_error').textContent = s.last_error || '—';
    $('#stat-last_error').classList.toggle('error', !!s.last_error);
  }

  $('#session').textContent = `client ${CLIENT_ID} · session ${SESSION_ID} · ${HZ} Hz`;
  window.heatlabSimulator = { flush, stats };
  render();
  loadScreens().catch(e => { counters.last_error = 'could not load screens: ' + e.message; render(); });
})();
