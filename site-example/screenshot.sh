#!/usr/bin/env bash
# Takes the README's screenshots of site-example with headless Chromium: builds the site,
# serves it with `ironsmith serve` on a free local port, and saves one PNG per page.
#
#   site-example/screenshot.sh [PAGE...]      # default: / and the first docs page
#
# Needs chromium (apt-get install chromium). Writes site-example/screenshots/*.png.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/site-example/screenshots"
pages=("$@")
[[ ${#pages[@]} -gt 0 ]] || pages=(/ /docs/)
command -v chromium >/dev/null || { echo "missing chromium (apt-get install chromium)" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p ironsmith
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$repo/target/release/ironsmith" serve "$repo/site-example" --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill -INT "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/" >/dev/null && break
  sleep 0.1
done

mkdir -p "$out"
for page in "${pages[@]}"; do
  name="$(echo "$page" | tr -c 'a-zA-Z0-9\n' '-' | sed 's/^-*//; s/-*$//')"
  file="$out/${name:-home}.png"
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1280,900 --screenshot="$file" "http://127.0.0.1:$port$page" 2>/dev/null
  echo "$file"
done
