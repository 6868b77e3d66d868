#!/usr/bin/env bash
# Takes the README's picture of a build report (docs/timings.png): builds a site with
# `ironsmith build --timings` and photographs ironsmith-timings.html with headless Chromium.
#
#   bench/timings-screenshot.sh [SITE]     # default: the shared 1,000-page corpus
#
# Needs chromium (apt-get install chromium) and, for the default, python3 and ../shared/bench.
# Output goes to /dev/shm when it exists.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
work=/tmp/ironsmith-timings-screenshot
# As the other benchmarks: a disk's file-creation cost is large and noisy.
[[ -d /dev/shm && -w /dev/shm ]] && work=/dev/shm/ironsmith-timings-screenshot
command -v chromium >/dev/null || { echo "missing chromium (apt-get install chromium)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
site="${1:-}"
if [[ -z "$site" ]]; then
  site="$work/corpus-1k"
  python3 "$shared/gen_corpus.py" --pages 1000 --out "$site" >/dev/null
fi

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
# Into a folder of our own: the report goes beside the output, so it lands in $work.
"$repo/target/release/ironsmith" build "$site" --destination "$work/build" --timings
mkdir -p "$repo/docs"
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1000,1500 --screenshot="$repo/docs/timings.png" \
  "file://$work/ironsmith-timings.html" 2>/dev/null
echo "$repo/docs/timings.png"
