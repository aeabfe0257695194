// heatlab viewer — GET /v1/heatmap for the chosen client, screen, types, viewport class and range, painted with
// heatmap.js over the screen's screenshot of that class from the screens registry
// (GET /v1/screens/<client>/<screen>/screenshot?viewport=). Cells are 1/100 of the screen in each direction; each
// non-empty cell becomes one heatmap.js point at its centre, weighted by its count. Compare mode paints
// diff = share_A − share_B per cell on its own canvas: red where A draws more of its events, blue where B does.
// window.heatlabViewer = { load(): Promise, last(): answer } lets tests drive it.
(() => {
  'use strict';
  const $ = sel => document.querySelector(sel);
  const img = $('#screen'), overlay = $('#overlay'), diffCanvas = $('#diff');
  const params = new URLSearchParams(location.search);
  let heatmap = null;
  let last = null;

  // a neutral page's width per viewport class: the classes' capture widths (io.heatlab.contract.ViewportClass)
  const CAPTURE_WIDTH = { desktop: 1440, tablet: 768, mobile: 390, unknown: 1440 };
  const shownOver = v => (v === 'unknown' ? 'desktop' : v); // pages without a viewport: the desktop screenshot
  const isoLocal = d => d.toISOString().slice(0, 16);
  const fromLocal = v => new Date(v + ':00Z').toISOString();

  function setRange(hours) {
    const to = new Date(Math.ceil(Date.now() / 3600e3) * 3600e3);
    $('#to').value = isoLocal(to);
    $('#from').value = isoLocal(new Date(to.getTime() - hours * 3600e3));
  }

  function ensureHeatmap() {
    const w = img.clientWidth, h = img.clientHeight;
    if (heatmap && overlay.dataset.size === w + 'x' + h && heatmap._config.radius === Number($('#radius').value)) {
      return heatmap;
    }
    overlay.innerHTML = '';
    overlay.dataset.size = w + 'x' + h;
    overlay.style.width = w + 'px'; // exactly the screenshot's box: heatmap.js sizes its canvas from it
    overlay.style.height = h + 'px';
    heatmap = h337.create({
      container: overlay,
      radius: Number($('#radius').value),
      maxOpacity: Number($('#opacity').value) / 100,
      minOpacity: 0,
      blur: 0.85,
    });
    // heatmap.js sets its container's position to relative: the overlay would then follow the image in the flow
    // (the heatmap drawn below the screenshot) instead of lying on it
    overlay.style.position = 'absolute';
    return heatmap;
  }

  function paint(answer) {
    const w = img.clientWidth, h = img.clientHeight;
    const hm = ensureHeatmap();
    hm.configure({ maxOpacity: Number($('#opacity').value) / 100 });
    const cellW = w / answer.grid.w, cellH = h / answer.grid.h;
    const data = answer.cells.map(([x, y, c]) => ({ x: Math.round((x + 0.5) * cellW), y: Math.round((y + 0.5) * cellH), value: c }));
    hm.setData({ min: 0, max: Math.max(1, answer.max), data: answer.compare ? [] : data });
    diffCanvas.width = w;
    diffCanvas.height = h;
    const ctx = diffCanvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    if (answer.compare) {
      const m = answer.diff.max_abs || 1;
      ctx.filter = 'blur(' + Math.max(2, Number($('#radius').value) / 3) + 'px)';
      for (const [x, y, d] of answer.diff.cells) {
        const a = Math.min(1, Math.abs(d) / m) * Number($('#opacity').value) / 100;
        ctx.fillStyle = d > 0 ? `rgba(215,25,28,${a})` : `rgba(44,123,182,${a})`;
        ctx.fillRect(x * cellW, y * cellH, Math.ceil(cellW), Math.ceil(cellH));
      }
    }
  }

  function summary(answer) {
    const missing = answer.coverage.missing_hours;
    let text = `${answer.total.toLocaleString()} events (${answer.types.join('+')}, ${answer.viewport}) on ${answer.screen_id}, ` +
      `${answer.from} … ${answer.to}; hottest cell ${answer.max.toLocaleString()}; read ` +
      Object.entries(answer.windows_read).map(([g, n]) => `${n} ${g}`).join(', ') + ` window(s) in ${answer.took_ms.toFixed(1)} ms. `;
    text += missing.length ? `${missing.length} landed hour(s) not rolled up yet: ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ' …' : ''}`
      : 'Every landed hour of the range is rolled up.';
    const others = Object.entries(answer.other_viewports || {});
    if (others.length) {
      text += ` No ${answer.viewport} events; other viewport classes have some: ` +
        others.map(([v, n]) => `${v} ${n.toLocaleString()}`).join(', ') + ' (choose one above).';
    }
    for (const e of answer.coverage.expired || []) {
      text += ` ${e.from} … ${e.to}: past the ${e.granularity} retention, not counted.`;
    }
    if (answer.compare) {
      text += ` Compare: B has ${answer.compare.total.toLocaleString()} events; red = A draws more of its events, blue = B.`;
    }
    $('#summary').textContent = text;
  }

  async function load() {
    $('#error').textContent = '';
    const types = ['move', 'click'].filter(t => $('#type-' + t).checked);
    const q = new URLSearchParams({
      client_id: $('#client').value, screen_id: $('#screen-picker').value, type: types.join(','),
      viewport: $('#viewport').value, from: fromLocal($('#from').value), to: fromLocal($('#to').value),
    });
    if ($('#compare').checked) {
      if ($('#compare-type').value) {
        q.set('compare_type', $('#compare-type').value);
      } else {
        q.set('compare_from', fromLocal($('#compare-from').value));
        q.set('compare_to', fromLocal($('#compare-to').value));
      }
    }
    const key = $('#key').value.trim();
    try { sessionStorage.setItem('heatlab.viewer.key', key); } catch (e) { /* storage off: typed each time */ }
    await showScreenshot($('#client').value, $('#screen-picker').value, $('#viewport').value, key);
    const response = await fetch('/v1/heatmap?' + q, { headers: { Authorization: 'Bearer ' + key } });
    const answer = await response.json();
    if (!response.ok) {
      $('#error').textContent = `${response.status}: ${answer.error}`;
      throw new Error(answer.error);
    }
    last = answer;
    paint(answer);
    summary(answer);
    return answer;
  }

  /**
   * The screen's screenshot of the viewport class from the screens registry (read key in the header, so
   * fetched as a blob); a screen without one is shown as a neutral page-sized grid with a note saying how
   * to add it.
   */
  let shown = null;
  async function showScreenshot(client, screen, viewport, key) {
    const wanted = client + '/' + screen + '/' + shownOver(viewport);
    if (shown === wanted) return;
    const res = await fetch(`/v1/screens/${encodeURIComponent(client)}/${encodeURIComponent(screen)}/screenshot?viewport=${shownOver(viewport)}`,
      { headers: { Authorization: 'Bearer ' + key } });
    let src;
    if (res.ok) {
      src = URL.createObjectURL(await res.blob());
      $('#note').textContent = '';
    } else {
      const reply = await res.json().catch(() => ({}));
      if (res.status !== 404) throw new Error(`${res.status}: ${reply.error || 'screenshot unavailable'}`);
      src = neutralPage(CAPTURE_WIDTH[viewport], 2000);
      $('#note').textContent = reply.error + ' — painted over a neutral grid meanwhile.';
    }
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
    img.src = src;
    await img.decode();
    shown = wanted;
  }

  /** A light page-sized grid (one line per 100 px), for screens without a screenshot. */
  function neutralPage(w, h) {
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    const g = c.getContext('2d');
    g.fillStyle = '#f6f7f9'; g.fillRect(0, 0, w, h);
    g.strokeStyle = '#dde1e6'; g.lineWidth = 1;
    for (let x = 0; x <= w; x += 100) { g.beginPath(); g.moveTo(x + .5, 0); g.lineTo(x + .5, h); g.stroke(); }
    for (let y = 0; y <= h; y += 100) { g.beginPath(); g.moveTo(0, y + .5); g.lineTo(w, y + .5); g.stroke(); }
    g.fillStyle = '#8a94a3'; g.font = Math.min(28, Math.floor((w - 60) / 17)) + 'px sans-serif'; // fits a 390 px page
    g.fillText('no screenshot of this screen yet', 30, 60);
    return c.toDataURL('image/png');
  }

  /** The client's screens (with traffic or registered) in the picker. */
  async function loadScreens() {
    const res = await fetch('/v1/screens?client_id=' + encodeURIComponent($('#client').value),
      { headers: { Authorization: 'Bearer ' + $('#key').value.trim() } });
    const reply = await res.json();
    if (!res.ok) throw new Error(`${res.status}: ${reply.error}`);
    const picker = $('#screen-picker');
    const wanted = params.get('screen') || picker.value;
    const layout = shownOver($('#viewport').value);
    picker.innerHTML = '';
    for (const s of reply.screens) {
      const o = document.createElement('option');
      o.value = s.screen_id;
      o.textContent = s.screen_id + (s.shots && s.shots[layout] ? '' : ` (no ${layout} screenshot)`);
      picker.append(o);
    }
    if (wanted && reply.screens.some(s => s.screen_id === wanted)) picker.value = wanted;
    shown = null;
  }

  async function init() {
    if (params.get('client')) $('#client').value = params.get('client');
    if (CAPTURE_WIDTH[params.get('viewport')]) $('#viewport').value = params.get('viewport');
    // the read key: from the fragment (#key=…, never sent to a server), else this tab's last one
    const fragment = new URLSearchParams(location.hash.slice(1));
    let stored = null;
    try { stored = sessionStorage.getItem('heatlab.viewer.key'); } catch (e) { /* storage off */ }
    if (fragment.get('key')) {
      $('#key').value = fragment.get('key');
      history.replaceState(null, '', location.pathname + location.search); // out of the address bar
    } else if (stored) {
      $('#key').value = stored;
    }
    await loadScreens();
    $('#client').addEventListener('change', () => loadScreens().then(load).catch(e => { $('#error').textContent = String(e.message || e); }));
    setRange(Number(params.get('hours')) || 24);
    const to = new Date(fromLocal($('#from').value));
    $('#compare-to').value = isoLocal(to);
    $('#compare-from').value = isoLocal(new Date(to.getTime() - 24 * 3600e3));
    document.querySelectorAll('[data-range]').forEach(b => b.addEventListener('click', () => { setRange(Number(b.dataset.range)); load().catch(() => {}); }));
    $('#viewport').addEventListener('change', () => loadScreens().then(load).catch(e => { $('#error').textContent = String(e.message || e); }));
    $('#compare').addEventListener('change', () => document.body.classList.toggle('compare', $('#compare').checked));
    $('#controls').addEventListener('submit', e => { e.preventDefault(); load().catch(() => {}); });
    ['#radius', '#opacity'].forEach(s => $(s).addEventListener('change', () => last && paint(last)));
    window.addEventListener('resize', () => last && paint(last));
    return load();
  }

  const ready = init().catch(e => { $('#error').textContent = String(e.message || e); });
  window.heatlabViewer = { ready, load, last: () => last };
})();
