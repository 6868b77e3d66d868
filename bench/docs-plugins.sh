#!/usr/bin/env bash
# Times what the docs-site plugins cost on the 10,000-page corpus: its own pipeline, and the
# same with code highlighted and heading anchors added by markdown (its `highlight` and
# `headings` options), search and toc after collections, and links (level: warn) last, in
# one hyperfine run. Search reads the headings list markdown leaves rather than each page
# again, and precedes toc, which drops that list. Prints the ratio of the medians (target: under 1.5x), the steps'
# milliseconds from a `--timings=json` build of each, and the size of search-index.json.
#
#   bench/docs-plugins.sh [--corpus /tmp/bench/corpus-10k] [--runs 5] [--work /tmp/ironsmith-docs-bench]
#
# The corpus comes from ../shared/bench/gen_corpus.py (bench/run.sh makes one). Needs
# hyperfine and python3. Output goes to /dev/shm when it exists.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus=/tmp/bench/corpus-10k
runs=5
work=/tmp/ironsmith-docs-bench
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine)" >&2; exit 1; }
done
[[ -f "$corpus/ironsmith.yaml" ]] || { echo "no corpus at $corpus (see bench/run.sh)" >&2; exit 1; }
corpus="$(cd "$corpus" && pwd)"
out_root="$work/output"
[[ -d /dev/shm && -w /dev/shm ]] && out_root=/dev/shm/ironsmith-docs-bench
out="$out_root/out"

echo "== building ironsmith (release)"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
ironsmith="${CARGO_TARGET_DIR:-$repo/target}/release/ironsmith"

# The corpus's folders, linked into a site of our own that holds the two configurations.
rm -rf "$work" "$out_root" && mkdir -p "$work/site" "$out_root"
for entry in "$corpus"/*; do
  [[ "$(basename "$entry")" == ironsmith.yaml ]] || ln -s "$entry" "$work/site/"
done
cp "$corpus/ironsmith.yaml" "$work/site/ironsmith.yaml"
for step in markdown layouts; do
  grep -q "^  - $step" "$work/site/ironsmith.yaml" || { echo "no $step step in $corpus/ironsmith.yaml" >&2; exit 1; }
done
awk '
  /^  - markdown/ { print "  - markdown: { highlight: true, headings: { anchor: after } }"; next }
  /^  - layouts/ {
    print "  - search: {}"
    print "  - toc: {}"
  }
  { print }
  END { print "  - links: { level: warn }" }
' "$corpus/ironsmith.yaml" >"$work/site/docs.yaml"

for config in ironsmith docs; do
  rm -rf "$out"
  "$ironsmith" build --quiet --config "$work/site/$config.yaml" --destination "$out" --timings=json 2>/dev/null
  mv "$out_root/ironsmith-timings.json" "$work/timings-$config.json"
done
index_bytes=$(stat -c %s "$out/search-index.json")
index_gzip=$(gzip -c "$out/search-index.json" | wc -c)

hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$work/hyperfine.json" \
  --command-name without --prepare "rm -rf $out" \
  "$ironsmith build --quiet --config $work/site/ironsmith.yaml --destination $out" \
  --command-name with-docs --prepare "rm -rf $out" \
  "$ironsmith build --quiet --config $work/site/docs.yaml --destination $out 2>/dev/null"
rm -rf "$out_root"

python3 - "$work/hyperfine.json" "$work/timings-ironsmith.json" "$work/timings-docs.json" \
  "$index_bytes" "$index_gzip" <<'PY'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
ratio = times["with-docs"] / times["without"]
print(f"\nwithout: {times['without']:.3f} s, with the docs plugins: {times['with-docs']:.3f} s, "
      f"ratio: {ratio:.2f}x (target: under 1.5x)")
for name, path in (("without", sys.argv[2]), ("with-docs", sys.argv[3])):
    steps = json.load(open(path))["steps"]
    print(f"{name}, one --timings=json build, ms: " + ", ".join(
        f"{step['name']} {step['ms']:.0f}" for step in steps))
print(f"search-index.json: {int(sys.argv[4]) / 1e6:.1f} MB, {int(sys.argv[5]) / 1e6:.1f} MB gzipped")
PY
