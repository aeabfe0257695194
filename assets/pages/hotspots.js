// Measures the hot spots of a demo screen from the rendered layout, so the heatmaps line up with
// the screenshot. Active only with ?measure=<W>x<H> in the URL (render.sh loads the page that way
// with `chromium --dump-dom`); it then appends the screen's descriptor as
// <script type="application/json" id="heatlab-descriptor"> for render.sh to cut out.
// W×H is the screenshot's size: headless --dump-dom lays the page out 1280 wide like --screenshot
// but with a shorter viewport (657 px for --window-size=1280,800), so the height comes from the
// URL; the pages have a fixed 800 px body and no height-dependent CSS, so that changes nothing.
//
// Every element with data-hotspot="<label>" becomes one hot spot:
//   x, y    centre of its bounding box (clipped to W×H), normalised to W×H
//   sx, sy  Gaussian spread = SPREAD × box size × data-spread (default 1), normalised
//   weight  data-weight (default 1)      clickable  data-clickable="true"
(function () {
  const size = /[?&]measure=(\d+)x(\d+)/.exec(location.search);
  if (!size) return;
  const W = +size[1], H = +size[2];
  if (window.innerWidth !== W) return;    // laid out at another width: render.sh reports it
  const SPREAD = 0.3;                     // σ as a fraction of the element's width/height
  const r4 = v => Math.round(v * 10000) / 10000;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  const hotspots = [...document.querySelectorAll('[data-hotspot]')].map(el => {
    const b = el.getBoundingClientRect();
    const left = clamp(b.left, 0, W), right = clamp(b.right, 0, W);
    const top = clamp(b.top, 0, H), bottom = clamp(b.bottom, 0, H);
    const k = SPREAD * parseFloat(el.dataset.spread || '1');
    return {
      label: el.dataset.hotspot,
      x: r4((left + right) / 2 / W), y: r4((top + bottom) / 2 / H),
      sx: r4(Math.max(0.004, k * (right - left) / W)), sy: r4(Math.max(0.004, k * (bottom - top) / H)),
      weight: parseFloat(el.dataset.weight || '1'),
      clickable: el.dataset.clickable === 'true'
    };
  });

  // one hot spot per line: { "id": …, …, "hotspots": [\n    {…},\n    {…}\n  ] }
  const fmt = o => '{ ' + Object.entries(o).map(([k, v]) => JSON.stringify(k) + ': ' + JSON.stringify(v)).join(', ');
  const root = document.documentElement, id = root.dataset.screenId;
  const head = { id, title: root.dataset.screenTitle, width: W, height: H, image: id + '.png' };
  const json = fmt(head) + ',\n  "hotspots": [\n' +
    hotspots.map(h => '    ' + fmt(h) + ' }').join(',\n') + '\n  ] }\n';
  const out = document.createElement('script');
  out.type = 'application/json';
  out.id = 'heatlab-descriptor';
  out.textContent = '\n' + json;
  document.body.appendChild(out);
})();
