#!/usr/bin/env bash
# Times `ironsmith serve` from saving a post to the browser's reload event, on the shared
# corpus at 1,000 and 10,000 pages (or --sizes): starts the server, listens to its event
# stream as a page does, then saves one post --runs times (a changed word each time, as an
# editor saves: a temporary file renamed over it) and reports each size's median and worst.
# Targets: 1k under 100 ms, 10k under 500 ms.
#
#   bench/serve-reload.sh [--sizes "1000 10000"] [--runs 20] [--work /tmp/ironsmith-bench]
#
# Needs python3 and ../shared/bench (gen_corpus.py).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
sizes="1000 10000"
runs=20
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
command -v python3 >/dev/null || { echo "missing python3" >&2; exit 1; }

echo "== building ironsmith (release)"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
ironsmith="$repo/target/release/ironsmith"
label() { if [[ "$1" =~ ^[1-9][0-9]*000$ ]]; then echo "$(($1 / 1000))k"; else echo "$1"; fi; }

mkdir -p "$work"
server=""
trap '[[ -n "$server" ]] && kill -INT "$server" 2>/dev/null; true' EXIT
echo "| pages | median ms | worst ms | runs |"
echo "|---:|---:|---:|---:|"
for n in $sizes; do
  corpus="$work/serve-corpus-$(label "$n")"
  python3 "$shared/gen_corpus.py" --pages "$n" --out "$corpus" >/dev/null
  log="$work/serve-$(label "$n").log"
  "$ironsmith" serve "$corpus" --port 0 2>"$log" &
  server=$!
  python3 - "$corpus" "$log" "$runs" "$n" <<'PY'
import glob, os, re, socket, statistics, sys, time

corpus, log, runs, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
deadline = time.monotonic() + 120
url = None
while url is None:
    if time.monotonic() > deadline:
        sys.exit(f"the server did not start: see {log}")
    match = re.search(r"at http://([\d.]+):(\d+)/", open(log).read())
    if match:
        url = (match.group(1), int(match.group(2)))
    else:
        time.sleep(0.05)

stream = socket.create_connection(url)
stream.sendall(f"GET /__ironsmith/events HTTP/1.1\r\nHost: {url[0]}\r\n\r\n".encode())
stream.settimeout(10)
received = b""

def wait_for(text):
    global received
    while text not in received:
        chunk = stream.recv(65536)
        if not chunk:
            sys.exit("the event stream closed")
        received += chunk
    received = received[received.index(text) + len(text):]

wait_for(b"connected")
post = sorted(glob.glob(os.path.join(corpus, "src/posts/*.md")))[len(glob.glob(os.path.join(corpus, "src/posts/*.md"))) // 2]
original = open(post, encoding="utf-8").read()
times = []
for run in range(runs):
    text = original + f"\nEdited {run}: a sentence the reader sees.\n"
    saved = post + ".tmp"
    start = time.monotonic()
    with open(saved, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(saved, post)
    wait_for(b"event: reload")
    times.append((time.monotonic() - start) * 1000)
    time.sleep(0.2)
with open(post, "w", encoding="utf-8") as handle:
    handle.write(original)
print(f"| {pages} | {statistics.median(times):.0f} | {max(times):.0f} | {runs} |")
PY
  kill -INT "$server"
  wait "$server" || true
  server=""
done
