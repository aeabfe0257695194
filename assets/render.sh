#!/usr/bin/env bash
# Regenerates the demo screens from pages/<id>.html with headless Chromium (Debian's `chromium`):
#   <id>.png    a 1280×800 screenshot of the page
#   <id>.json   its descriptor; hot spots measured from the page's data-hotspot elements
#               (pages/hotspots.js, run by loading the page with ?measure=WxH and --dump-dom)
#   screens.json  the list of screen ids
# Usage: assets/render.sh [id …]   (default: every screen listed below). Needs only chromium.
set -euo pipefail

SCREENS=(landing pricing checkout)
WIDTH=1280 HEIGHT=800
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "render.sh: $CHROMIUM not found (apt-get install -y chromium)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# chromium <extra args…>: one headless run with a throw-away profile; its chatter goes to $WORK/chromium.log
chromium_run() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --force-device-scale-factor=1 --user-data-dir="$(mktemp -d -p "$WORK")" \
    --window-size=$WIDTH,$HEIGHT "$@" 2>>"$WORK/chromium.log"
}

# png_size FILE: prints "W H" from the PNG's IHDR chunk
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }

fail() { echo "render.sh: $*" >&2; tail -n 20 "$WORK/chromium.log" >&2 2>/dev/null || true; exit 1; }

for id in "${@:-${SCREENS[@]}}"; do
  page="$HERE/pages/$id.html"
  [[ -f $page ]] || fail "no page $page"

  rm -f "$HERE/$id.png"
  chromium_run --screenshot="$HERE/$id.png" "file://$page" >/dev/null
  [[ -s $HERE/$id.png ]] || fail "no screenshot for $id"
  size=$(png_size "$HERE/$id.png")
  [[ $size == "$WIDTH $HEIGHT" ]] || fail "$id.png is $size, expected $WIDTH $HEIGHT"

  chromium_run --dump-dom "file://$page?measure=${WIDTH}x$HEIGHT" >"$WORK/$id.dom"
  awk '/<script type="application\/json" id="heatlab-descriptor">/ {on=1; next}
       on && /<\/script>/ {exit} on' "$WORK/$id.dom" >"$WORK/$id.json"
  grep -q "\"width\": $WIDTH, \"height\": $HEIGHT" "$WORK/$id.json" || fail "could not measure $id at ${WIDTH}x$HEIGHT"
  mv "$WORK/$id.json" "$HERE/$id.json"

  printf '%-9s %s  %3d KB  %d hot spots\n' "$id" "$id.png" $(( $(stat -c %s "$HERE/$id.png") / 1024 )) \
    "$(grep -c '"label"' "$HERE/$id.json")"
done

list=$(printf '"%s",' "${SCREENS[@]}")
printf '{"screens":[%s]}\n' "${list%,}" >"$HERE/screens.json"
