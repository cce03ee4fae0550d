#!/usr/bin/env bash
# Throughput and durability benchmark for formhandler (issue 6):
#   1. wrk -t2 -c32 against POST /api/cases (rate limits off, SQLite on
#      disk, synchronous commits, log delivery), reporting req/s and p99;
#   2. the same load with `kill -9` of the handler in the middle, then
#      checks that every case answered 201 is in `formhandler export`.
# Needs wrk (Debian package wrk). Usage: bench/formhandler/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
work=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
go build -o "$work/formhandler" ./cmd/formhandler
addr=127.0.0.1:18181

start() {
  "$work/formhandler" serve --db "$work/cases.db" --addr $addr --rate-limit off --log-format json 2>>"$work/serve.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf http://$addr/healthz >/dev/null && return; sleep 0.1; done
  echo "formhandler did not start; log:" >&2; cat "$work/serve.log" >&2; exit 1
}

echo "== throughput: wrk -t2 -c32 -d${secs}s POST /api/cases"
start
mkdir -p "$work/ids1"
IDS_DIR="$work/ids1" wrk -t2 -c32 -d"${secs}s" --latency -s bench/formhandler/post.lua http://$addr/api/cases | tee "$work/wrk1.txt"
kill -TERM $pid; wait $pid || true

echo "== durability: kill -9 during the same load"
rm -f "$work"/cases.db*
start
mkdir -p "$work/ids2"
IDS_DIR="$work/ids2" wrk -t2 -c32 -d10s -s bench/formhandler/post.lua http://$addr/api/cases >"$work/wrk2.txt" 2>&1 &
wrkpid=$!
sleep 5
kill -9 $pid
wait $wrkpid || true
cat "$work"/ids2/*.txt | grep -o 'HC-[0-9A-Z]*' | sort -u >"$work/acked.txt"
"$work/formhandler" export --db "$work/cases.db" --format json | grep -o '"id":"HC-[0-9A-Z]*"' | grep -o 'HC-[0-9A-Z]*' | sort -u >"$work/exported.txt"
acked=$(wc -l <"$work/acked.txt")
missing=$(comm -23 "$work/acked.txt" "$work/exported.txt" | wc -l)
echo "cases answered 201 before kill -9: $acked; in export after restart: $(wc -l <"$work/exported.txt"); missing: $missing"
[ "$missing" -eq 0 ] || { echo "FAIL: acknowledged cases lost" >&2; exit 1; }
echo "OK: no acknowledged case lost"
