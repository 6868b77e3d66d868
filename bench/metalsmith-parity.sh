#!/usr/bin/env bash
# Regenerates fixtures/metalsmith-parity: a 20-post corpus from the shared generator (the
# seed gives 2 drafts and an author without an avatar) and Metalsmith's build of it
# (expected-metalsmith/), which `cargo test` compares with ironsmith's build of the same
# corpus, page by page (cli/tests/testsuite/parity.rs).
#
#   bench/metalsmith-parity.sh
#
# Needs python3, node and the Metalsmith peer's npm packages: run
# `../shared/bench/run-peers.sh --setup` once (they go to /tmp/bench/metalsmith).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
deps="${DEPS_DIR:-/tmp/bench/metalsmith}"
fixture="$repo/fixtures/metalsmith-parity"

[[ -d "$deps/node_modules/metalsmith" ]] || {
  echo "no Metalsmith packages in $deps: run ../shared/bench/run-peers.sh --setup" >&2
  exit 1
}
rm -rf "$fixture"
python3 "$shared/gen_corpus.py" --pages 20 --seed 7 --out "$fixture"
# Metalsmith prints dates in the local zone: pin it, so the expected pages never depend
# on the machine that made them.
TZ=UTC DEPS_DIR="$deps" node "$shared/peers/metalsmith/build.mjs" "$fixture" "$fixture/expected-metalsmith"
echo "regenerated $fixture ($(find "$fixture/expected-metalsmith" -name '*.html' | wc -l) pages)"
