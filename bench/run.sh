#!/usr/bin/env bash
# Times `ironsmith build` beside the markdown floor on the shared corpus, at 1,000 and 10,000
# pages (or --sizes), in one hyperfine run: `ironsmith` is markdown + layouts alone, `blog` the
# corpus's whole pipeline (its own ironsmith.yaml). Prints each against the floor at each
# size, and how each grows from one size to the next (linear growth is the size ratio).
#
#   bench/run.sh [--sizes "1000 10000"] [--runs 5] [--work /tmp/ironsmith-bench]
#
# Needs hyperfine and /usr/bin/time (apt-get install hyperfine time) and ../shared/bench.
# Output goes to /dev/shm when it exists: a disk's file-creation cost is large and noisy.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
sizes="1000 10000"
runs=5
work=/tmp/ironsmith-bench
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
out_root="$work/out"
[[ -d /dev/shm && -w /dev/shm ]] && out_root=/dev/shm/ironsmith-bench-out

for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine)" >&2; exit 1; }
done

echo "== building ironsmith and the floor (release)"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
CARGO_TARGET_DIR="$work/floor-target" cargo build --release --quiet --manifest-path "$shared/floor/Cargo.toml"
ironsmith="$repo/target/release/ironsmith"
floor="$work/floor-target/release/bench-floor"

label() { if [[ "$1" =~ ^[1-9][0-9]*000$ ]]; then echo "$(($1 / 1000))k"; else echo "$1"; fi; }

mkdir -p "$work" "$out_root"
args=()
for n in $sizes; do
  corpus="$work/corpus-$(label "$n")"
  python3 "$shared/gen_corpus.py" --pages "$n" --out "$corpus" >/dev/null
  # Markdown and layouts only: the corpus's own ironsmith.yaml also needs the blog plugins.
  cat >"$corpus/markdown-layouts.yaml" <<'YAML'
source: src
destination: build
plugins:
  - markdown
  - layouts:
      directory: layouts
      partials: layouts/partials
YAML
  out="$out_root/$(label "$n")"
  args+=(--command-name "floor-$(label "$n")" --prepare "rm -rf $out" "$floor $corpus $out")
  args+=(--command-name "ironsmith-$(label "$n")" --prepare "rm -rf $out"
         "$ironsmith build --quiet --config $corpus/markdown-layouts.yaml --destination $out")
  # The whole blog pipeline, with the ironsmith.yaml the generator writes.
  args+=(--command-name "blog-$(label "$n")" --prepare "rm -rf $out"
         "$ironsmith build --quiet $corpus --destination $out")
  rm -rf "$out"
  /usr/bin/time -f "ironsmith-$(label "$n") peak RSS: %M KB" \
    "$ironsmith" build --quiet --config "$corpus/markdown-layouts.yaml" --destination "$out" 2>&1 | tail -1
  rm -rf "$out"
  /usr/bin/time -f "blog-$(label "$n") peak RSS: %M KB" \
    "$ironsmith" build --quiet "$corpus" --destination "$out" 2>&1 | tail -1
done

hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$work/hyperfine.json" "${args[@]}"
rm -rf "$out_root"

python3 - "$work/hyperfine.json" <<'PY'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
print("\n| command | median s |\n|---|---:|")
for name, t in times.items():
    print(f"| {name} | {t:.3f} |")
sizes = sorted({k.split("-", 1)[1] for k in times}, key=lambda s: int(s.rstrip("k")))
for size in sizes:
    for name in ("ironsmith", "blog"):
        print(f"{name} / floor at {size}: {times[name + '-' + size] / times['floor-' + size]:.2f}x")
for small, large in zip(sizes, sizes[1:]):
    for name in ("ironsmith", "blog"):
        grow = times[f"{name}-{large}"] / times[f"{name}-{small}"]
        print(f"{name} {large} / {small}: {grow:.1f}x (linear is {int(large.rstrip('k')) // int(small.rstrip('k'))})")
PY
