// heatlab simulator — shows a demo screen (/assets/<id>.png) and sends the pointer events made over
// it to POST /v1/batches through heatlab.js, the tracking snippet every page uses (one capture code
// path): the screen image is the snippet's surface, so x, y are normalised to the rendered image.
// Batching, retries (same batch_id, Retry-After honoured) and the pagehide beacon are the snippet's;
// this page only picks the screen and shows the snippet's counters. Batches are retried for up to
// four minutes here (the snippet's default is one), so a stack restarted under traffic loses nothing.
//
// URL parameters: ?screen=<id> &client=<client id> &key=<write key> &hz=<moves per second>.
// window.heatlabSimulator = { flush(): Promise, stats(): {...} } lets tests drive it.
(() => {
  'use strict';

  const params = new URLSearchParams(location.search);
  const CLIENT_ID = params.get('client') || 'demo';
  const WRITE_KEY = params.get('key') || 'demo-write-key';
  const HZ = Math.min(1000, Math.max(0.1, Number(params.get('hz')) || 20));

  const $ = sel => document.querySelector(sel);
  const picker = $('#screen-picker'), img = $('#screen');
  let screen = null;               // descriptor of the screen shown
  let lastError = null;            // the page's own (screens, image), beside the snippet's

  heatlab.init({ client: CLIENT_ID, key: WRITE_KEY, endpoint: location.origin, surface: img, hz: HZ,
                 screen: params.get('screen') || 'home', retryForMs: 4 * 60000 });
  img.addEventListener('dragstart', e => e.preventDefault());

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
    screen = screens.get(id);
    heatlab.screen(id);                       // the snippet cuts a batch: a batch never mixes screens
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
  img.addEventListener('error', () => { lastError = 'image not found: ' + img.src; render(); });
  picker.addEventListener('change', () => show(picker.value));

  // ---- counters --------------------------------------------------------------------------------
  function stats() {
    const s = heatlab.stats();
    return { ...s, screen_id: screen && screen.id, hz: HZ, image_loaded: img.dataset.loaded === 'true',
             last_error: s.last_error || lastError };
  }
  const flush = () => heatlab.flush().then(stats);

  function render() {
    const s = stats();
    for (const key of ['sent', 'acked', 'retried', 'failed', 'buffered', 'pending']) $('#stat-' + key).textContent = s[key];
    $('#stat-last_error').textContent = s.last_error || '—';
    $('#stat-last_error').classList.toggle('error', !!s.last_error);
  }
  setInterval(render, 250);

  $('#session').textContent = `client ${CLIENT_ID} · session ${heatlab.stats().session_id} · ${HZ} Hz`;
  window.heatlabSimulator = { flush, stats };
  render();
  loadScreens().catch(e => { lastError = 'could not load screens: ' + e.message; render(); });
})();
