#!/usr/bin/env bash
# Times what an `exec` step costs: the corpus's own blog pipeline, with and without a no-op
# Python step (bench/exec_noop.py, after markdown, sent every file), in one hyperfine run.
# The difference of the medians is the protocol's cost: ironsmith encoding each file as a
# JSON line, the pipe, and Python reading and parsing every line. Target: under 1 s at
# 10,000 pages.
#
#   bench/exec.sh [--corpus /tmp/bench/corpus-10k] [--runs 5] [--work /tmp/ironsmith-exec-bench]
#
# The corpus comes from ../shared/bench/gen_corpus.py (bench/run.sh makes one). Needs
# hyperfine and python3. Output goes to /dev/shm when it exists.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus=/tmp/bench/corpus-10k
runs=5
work=/tmp/ironsmith-exec-bench
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine)" >&2; exit 1; }
done
[[ -f "$corpus/ironsmith.yaml" ]] || { echo "no corpus at $corpus (see bench/run.sh)" >&2; exit 1; }
corpus="$(cd "$corpus" && pwd)"
out="$work/out"
[[ -d /dev/shm && -w /dev/shm ]] && out=/dev/shm/ironsmith-exec-bench-out

echo "== building ironsmith (release)"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
ironsmith="$repo/target/release/ironsmith"
# The interpreter itself, not a version manager's shim in front of it.
python="$(python3 -c 'import sys; print(sys.executable)')"

# The corpus's folders, linked into a site of our own that holds the two configurations.
rm -rf "$work" && mkdir -p "$work/site"
for entry in "$corpus"/*; do
  [[ "$(basename "$entry")" == ironsmith.yaml ]] || ln -s "$entry" "$work/site/"
done
cp "$corpus/ironsmith.yaml" "$work/site/ironsmith.yaml"
grep -q '^  - markdown' "$work/site/ironsmith.yaml" || { echo "no markdown step in $corpus/ironsmith.yaml" >&2; exit 1; }
awk -v python="$python" -v script="$repo/bench/exec_noop.py" '
  { print }
  /^  - markdown/ { printf "  - exec: { command: [\"%s\", \"%s\"] }\n", python, script }
' "$corpus/ironsmith.yaml" >"$work/site/exec.yaml"

"$ironsmith" build --config "$work/site/exec.yaml" --destination "$out" --verbose 2>&1 | grep -E '^(step|exec|markdown|total)'
hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$work/hyperfine.json" \
  --command-name without --prepare "rm -rf $out" \
  "$ironsmith build --quiet --config $work/site/ironsmith.yaml --destination $out" \
  --command-name with-exec --prepare "rm -rf $out" \
  "$ironsmith build --quiet --config $work/site/exec.yaml --destination $out"
rm -rf "$out"

python3 - "$work/hyperfine.json" <<'PY'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
added = times["with-exec"] - times["without"]
print(f"\nwithout: {times['without']:.3f} s, with the no-op exec step: {times['with-exec']:.3f} s, "
      f"added: {added:.3f} s (target: under 1 s)")
PY
