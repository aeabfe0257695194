/*! heatlab.js 1 — heatlab's tracking snippet. Plain JavaScript, no dependencies, no cookies.
 *
 *   <script src="https://HOST/heatlab.js" data-client="acme" data-key="WRITE_KEY" async></script>
 *
 * Captures pointer moves (throttled, 20/s by default) and clicks with the page's viewport, and posts
 * them in batches to HOST's POST /v1/batches. Coordinates are page-relative: x over the document's
 * width, y over its height (scrolled content included), so they fall on a full-page screenshot.
 * The screen id is the page's path by the default mapping (docs/sdk.md), a data-screen attribute, or
 * the client's path patterns (GET /v1/snippet/<client>). JS API for single-page apps:
 *
 *   heatlab.init({client, key, endpoint?, screen?, surface?, hz?, retryForMs?})
 *   heatlab.screen(id)     on a route change (or null: back to the path's mapping)
 *   heatlab.optOut()       stops capturing and sending, remembered in localStorage; heatlab.optIn()
 *   heatlab.flush()        sends what is buffered; resolves once every batch is settled
 *   heatlab.stats()        counters (sent, acked, retried, failed, dropped, beaconed, …)
 */
(function () {
  'use strict';
  if (window.heatlab && window.heatlab.version) return; // included twice

  var VERSION = '1';
  var MAX_EVENTS = 50;          // a batch is cut at this many events…
  var FLUSH_EVERY_MS = 2000;    // …or this often
  var MAX_BATCHES = 20;         // batches kept for retries; beyond, the oldest is dropped
  var BACKOFF_CAP_MS = 30000;
  var OPT_OUT = 'heatlab.optout';

  var script = document.currentScript;
  var cfg = null;               // set by init()
  var patterns = null;          // the client's path patterns once fetched ([] when none)
  var patternsLoading = null;
  var screenOverride = null;
  var buffer = [];
  var bufferKey = null;         // the buffer's screen: an id, or a path ("/…") mapped when cut
  var lastMoveAt = -Infinity;
  var queue = [];               // batches in flight or waiting for a retry
  var timer = null;
  var counters = { sent: 0, acked: 0, retried: 0, retries: 0, failed: 0, dropped: 0, beaconed: 0,
    batches_sent: 0, batches_acked: 0, last_error: null };

  // ---- ids ------------------------------------------------------------------------------------
  var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  function randomBytes(n) {
    var b = new Uint8Array(n);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < n; i++) b[i] = Math.floor(Math.random() * 256);
    return b;
  }
  /** A ULID: 48-bit millisecond time + 80 random bits, in Crockford base 32. */
  function ulid() {
    var time = '', t = Date.now(), rand = '', bytes = randomBytes(16), i;
    for (i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
    for (i = 0; i < 16; i++) rand += CROCKFORD[bytes[i] % 32];
    return time + rand;
  }
  function sessionId() {
    var id = null;
    try { id = sessionStorage.getItem('heatlab.session'); } catch (e) { /* storage off */ }
    if (!id) {
      id = 's-' + Array.prototype.map.call(randomBytes(6), function (b) {
        return (b < 16 ? '0' : '') + b.toString(16);
      }).join('');
      try { sessionStorage.setItem('heatlab.session', id); } catch (e) { /* one per page then */ }
    }
    return id;
  }

  // ---- screens --------------------------------------------------------------------------------
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  /** A path segment that names one item rather than a page: a number, a UUID, a hash, a token. */
  function isId(s) {
    var digits = /\d/.test(s);
    return /^\d+$/.test(s) || UUID.test(s) || (digits && /^[0-9a-f]{8,}$/.test(s)) ||
      (digits && s.length >= 16 && /[a-z]/.test(s) && !/[-_.]/.test(s));
  }
  /**
   * The default screen id of a path: query and fragment dropped, segments lower-cased, ids (numbers,
   * UUIDs, hex of 8+ with a digit, tokens of 16+ mixing letters and digits) collapsed to "id", joined with ".";
   * "/" is "home". Characters outside [a-z0-9._:-] become "-"; at most 128 characters.
   */
  function screenOfPath(path) {
    var out = [];
    path.split(/[?#]/)[0].split('/').forEach(function (raw) {
      if (!raw) return;
      var s;
      try { s = decodeURIComponent(raw); } catch (e) { s = raw; }
      s = s.toLowerCase();
      if (isId(s)) s = 'id';
      s = s.replace(/[^a-z0-9._:-]+/g, '-');
      if (s) out.push(s);
    });
    return (out.join('.') || 'home').slice(0, 128);
  }
  /** "/product/*" matches one segment, "/docs/**" any rest; patterns come from the client's settings. */
  function matches(pattern, path) {
    var p = pattern.split('/'), s = path.split('/');
    for (var i = 0; i < p.length; i++) {
      if (p[i] === '**') return true;
      if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
      if (p[i] === '*' && !s[i]) return false;
    }
    return p.length === s.length || (s.length === p.length + 1 && s[s.length - 1] === '');
  }
  /** The screen events go to now: an id (heatlab.screen, data-screen) or the page's path. */
  function screenKey() {
    return screenOverride || cfg.screen || location.pathname || '/';
  }
  /** A key's screen id: ids as they are; a path by the client's patterns, else the default mapping. */
  function screenOf(key) {
    if (key.charAt(0) !== '/') return key;
    for (var i = 0; patterns && i < patterns.length; i++) {
      if (matches(patterns[i].path, key)) return patterns[i].screen;
    }
    return screenOfPath(key);
  }
  function loadPatterns() {
    if (patternsLoading) return patternsLoading;
    if (cfg.screen || !window.fetch) { patterns = []; return (patternsLoading = Promise.resolve()); }
    patternsLoading = fetch(cfg.endpoint + '/v1/snippet/' + encodeURIComponent(cfg.client), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : { screens: [] }; })
      .then(function (j) { patterns = j.screens || []; }, function () { patterns = []; });
    return patternsLoading;
  }

  // ---- capture --------------------------------------------------------------------------------
  function clamp01(v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
  function round4(v) { return Math.round(v * 10000) / 10000; }
  function docSize() {
    var d = document.documentElement, b = document.body || d;
    return [Math.max(d.scrollWidth, b.scrollWidth, d.clientWidth, 1),
      Math.max(d.scrollHeight, b.scrollHeight, d.clientHeight, 1)];
  }
  /** [x, y] normalised to the surface (the document, or an element such as the simulator's image). */
  function position(e) {
    if (cfg.surface) {
      var r = cfg.surface.getBoundingClientRect();
      if (!r.width || !r.height) return null;
      var x = (e.clientX - r.left) / r.width, y = (e.clientY - r.top) / r.height;
      return x < 0 || y < 0 || x > 1 || y > 1 ? null : [x, y];
    }
    var size = docSize();
    return [e.pageX / size[0], e.pageY / size[1]];
  }
  function record(e, type) {
    if (!cfg || cfg.off) return;
    var p = position(e);
    if (!p) return;
    var key = screenKey();
    if (bufferKey !== null && key !== bufferKey) cut(); // a batch holds one screen
    bufferKey = key;
    buffer.push({ t: Date.now(), x: round4(clamp01(p[0])), y: round4(clamp01(p[1])), type: type });
    if (buffer.length >= MAX_EVENTS) flush();
  }
  function onMove(e) {
    if (e.pointerType && e.pointerType !== 'mouse' && e.pointerType !== 'pen') return;
    if (e.timeStamp - lastMoveAt < 1000 / cfg.hz) return;
    lastMoveAt = e.timeStamp;
    record(e, 'move');
  }
  function onClick(e) { record(e, 'click'); }

  // ---- batching and delivery ------------------------------------------------------------------
  /** Cuts the buffer into a batch; its body is fixed once, so every retry sends the same bytes. */
  function cut(beaconOnly) {
    if (!buffer.length) return null;
    var batch = { body: JSON.stringify({ client_id: cfg.client, batch_id: ulid(), screen_id: screenOf(bufferKey),
      session_id: cfg.session, viewport: { w: innerWidth, h: innerHeight }, events: buffer }),
    size: buffer.length, attempts: 0, first: Date.now(), waiting: false, done: null };
    buffer = [];
    bufferKey = null;
    counters.sent += batch.size;
    counters.batches_sent++;
    while (queue.length >= MAX_BATCHES) {
      var waiting = queue.filter(function (b) { return b.waiting; });
      drop(waiting.length ? waiting[0] : queue[0], 'too many batches waiting');
    }
    queue.push(batch);
    batch.done = beaconOnly ? Promise.resolve() : deliver(batch);
    return batch;
  }
  function settle(batch) {
    var i = queue.indexOf(batch);
    if (i >= 0) queue.splice(i, 1);
    batch.settled = true;
  }
  function drop(batch, why) {
    settle(batch);
    batch.dropped = true;
    counters.dropped += batch.size;
    counters.last_error = why;
  }
  function headers() {
    return { 'Content-Type': 'application/json', Authorization: 'Bearer ' + cfg.key };
  }
  function deliver(batch) {
    if (batch.settled || cfg.off) return Promise.resolve();
    batch.attempts++;
    return fetch(cfg.endpoint + '/v1/batches', { method: 'POST', body: batch.body, headers: headers(),
      keepalive: batch.body.length < 60000, credentials: 'omit', mode: 'cors' })
      .then(function (res) {
        if (res.ok) {
          if (batch.dropped) counters.dropped -= batch.size; // dropped while in flight, yet delivered
          settle(batch);
          counters.acked += batch.size;
          counters.batches_acked++;
          return;
        }
        return res.json().catch(function () { return {}; }).then(function (reply) {
          var reason = res.status + (reply.error ? ': ' + reply.error : '');
          if (res.status !== 429 && res.status < 500) { settle(batch); counters.failed++; counters.last_error = reason; return; }
          return retry(batch, reason, retryAfterMs(res.headers.get('Retry-After')));
        });
      }, function (e) { return retry(batch, 'network: ' + (e && e.message), undefined); });
  }
  function retry(batch, reason, afterMs) {
    counters.last_error = reason;
    if (batch.settled || cfg.off) return;
    var wait = afterMs !== undefined ? Math.min(BACKOFF_CAP_MS, afterMs * (1 + 0.2 * Math.random()))
      : Math.min(BACKOFF_CAP_MS, 500 * Math.pow(2, batch.attempts - 1)) * (0.5 + 0.5 * Math.random());
    if (Date.now() + wait - batch.first > cfg.retryForMs) {
      settle(batch);
      counters.failed++;
      counters.last_error = 'gave up after ' + batch.attempts + ' attempts (' + reason + ')';
      return;
    }
    if (batch.attempts === 1) counters.retried++;
    counters.retries++;
    batch.waiting = true;
    return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
      batch.waiting = false;
      return deliver(batch);
    });
  }
  function retryAfterMs(h) {
    if (!h) return undefined;
    var ms = /^\s*\d+\s*$/.test(h) ? Number(h) * 1000 : Date.parse(h) - Date.now();
    return isFinite(ms) ? Math.max(0, ms) : undefined;
  }
  /** Sends the buffer; resolves once every open batch is acked, failed or dropped. */
  function flush() {
    if (!cfg) return Promise.resolve(stats());
    var send = function () {
      if (!cfg.off) cut();
      return Promise.all(queue.map(function (b) { return b.done; })).then(stats);
    };
    return patterns === null && buffer.length ? loadPatterns().then(send) : send();
  }
  /** The page goes away: beacon the buffer and the batches waiting for a retry (same batch_id). */
  function beaconAll() {
    if (!cfg || cfg.off || !navigator.sendBeacon) return;
    var fresh = cut(true);
    queue.slice().forEach(function (b) {
      if (!(b.waiting || b === fresh)) return;
      // text/plain: a cross-origin beacon of that type needs no preflight; the key travels in the query
      var ok = navigator.sendBeacon(cfg.endpoint + '/v1/batches?key=' + encodeURIComponent(cfg.key),
        new Blob([b.body], { type: 'text/plain' }));
      if (ok) { counters.beaconed += b.size; settle(b); } else if (b === fresh) b.done = deliver(b);
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------
  function optedOut() {
    try { return localStorage.getItem(OPT_OUT) === '1'; } catch (e) { return false; }
  }
  function init(options) {
    var o = options || {};
    if (!o.client || !o.key) throw new Error('heatlab.init: client and key are required');
    if (cfg) stop();
    var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
    cfg = { client: String(o.client), key: String(o.key), endpoint: String(o.endpoint || origin).replace(/\/+$/, ''),
      screen: o.screen || null, surface: o.surface || null, hz: Math.min(1000, Math.max(0.1, Number(o.hz) || 20)),
      retryForMs: Number(o.retryForMs) || 60000, session: sessionId(), off: optedOut() };
    patterns = null;
    patternsLoading = null;
    loadPatterns();
    if (cfg.off || !window.fetch) return api; // opted out, or a browser too old to send
    document.addEventListener('pointermove', onMove, { capture: true, passive: true });
    document.addEventListener('click', onClick, { capture: true, passive: true });
    addEventListener('pagehide', beaconAll);
    document.addEventListener('visibilitychange', onHidden);
    timer = setInterval(function () { if (buffer.length) flush(); }, FLUSH_EVERY_MS);
    return api;
  }
  function onHidden() { if (document.visibilityState === 'hidden') beaconAll(); }
  function stop() {
    document.removeEventListener('pointermove', onMove, { capture: true });
    document.removeEventListener('click', onClick, { capture: true });
    removeEventListener('pagehide', beaconAll);
    document.removeEventListener('visibilitychange', onHidden);
    clearInterval(timer);
  }
  function screen(id) {
    if (!cfg) return;
    if (buffer.length) cut();
    screenOverride = id || null;
  }
  function optOut() {
    try { localStorage.setItem(OPT_OUT, '1'); } catch (e) { /* this page only */ }
    buffer = [];
    queue.slice().forEach(function (b) { settle(b); });
    if (cfg) { cfg.off = true; stop(); }
  }
  function optIn() {
    try { localStorage.removeItem(OPT_OUT); } catch (e) { /* nothing stored */ }
    if (cfg) init(cfg); // init reads the same options back
  }
  function stats() {
    var s = { version: VERSION, client_id: cfg && cfg.client, session_id: cfg && cfg.session,
      screen_id: cfg && screenOf(screenKey()), opted_out: !!(cfg ? cfg.off : optedOut()),
      buffered: buffer.length, pending: queue.length };
    for (var k in counters) s[k] = counters[k];
    return s;
  }

  var api = { version: VERSION, init: init, screen: screen, optOut: optOut, optIn: optIn, flush: flush,
    stats: stats, screenOfPath: screenOfPath };
  window.heatlab = api;

  // one tag installs it: <script src=".../heatlab.js" data-client="…" data-key="…" [data-screen="…"]>
  var d = script && script.dataset;
  if (d && d.client && d.key && d.auto !== 'false') {
    init({ client: d.client, key: d.key, screen: d.screen, endpoint: d.endpoint, hz: d.hz });
  }
})();
