#!/usr/bin/env bash
# Opens the demo's HTML report in a real headless Chromium and saves a screenshot of it
# (docs/report.png by default), to check that the page renders with no network: Japanese text
# in system fonts, inline SVG charts, no missing resources.
#
#   scripts/check-report-html.sh [OUT.png]
#
# Installs Debian's chromium and fonts-noto-cjk when chromium is missing (needs root).
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-docs/report.png}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "check-report-html: installing chromium and fonts-noto-cjk" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target/release/koe demo --dir "$work/demo" >"$work/demo.out" 2>"$work/demo.err"
html="$work/demo/report.html"
test -s "$html" || { echo "check-report-html: no report at $html" >&2; exit 1; }

# Self-contained: nothing may be fetched when the page is opened.
if grep -Eio '(src|href)="(https?:)?//[^"]*"|@import|url\((https?:)?//' "$html"; then
    echo "check-report-html: the report refers to something outside itself" >&2
    exit 1
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --screenshot="$out" --window-size=1280,3400 \
    "file://$html" >"$work/chromium.log" 2>&1 || {
    cat "$work/chromium.log" >&2
    exit 1
}

size=$(stat -c %s "$out" 2>/dev/null || echo 0)
if [ "$size" -lt 50000 ]; then
    echo "check-report-html: $out is only $size bytes: the page did not render" >&2
    exit 1
fi
echo "check-report-html: $out ($size bytes) from $html"
