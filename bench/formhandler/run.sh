#!/usr/bin/env bash
# Throughput and durability benchmark for formhandler (issue 6):
#   1. wrk -t2 -c32 against POST /api/cases (rate limits off, SQLite on
#      disk, synchronous commits, log delivery), reporting req/s and p99;
#   2. the same load with `kill -9` of the handler in the middle, then
#      checks that every case answered 201 is in `formhandler export`;
#   3. sign-in under load (issue 12): cases at -c16 with mail delivery to
#      an SMTP sink (smtpsink) beside about 200 requests a second of: GET
#      /healthz (the control: the load generator's own share), POST
#      /api/signin for addresses without cases, and POST /api/signin a
#      quarter of which are for an address with cases (a link is made and
#      mailed each time: rate limits are off); three rounds in rotated
#      order, medians and their ratios to the control.
# Needs wrk (Debian package wrk). Usage: bench/formhandler/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
work=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
go build -o "$work/formhandler" ./cmd/formhandler
go build -o "$work/smtpsink" ./bench/formhandler/smtpsink
addr=127.0.0.1:18181
mailaddr=127.0.0.1:18525
mailflags=()

start() {
  "$work/formhandler" serve --db "$work/cases.db" --addr $addr --rate-limit off --log-format json "${mailflags[@]}" 2>>"$work/serve.log" &
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

echo "== sign-in under load: cases beside GET /healthz (control), beside sign-in requests for addresses"
echo "   without cases, and beside sign-in requests a quarter of which are mailed a link; 3 rounds, medians"
"$work/smtpsink" -addr $mailaddr >"$work/sink.txt" &
sinkpid=$!
trap 'kill -9 $pid 2>/dev/null || true; kill $sinkpid 2>/dev/null || true; rm -rf "$work"' EXIT
mailflags=(--smtp-host 127.0.0.1 --smtp-port "${mailaddr##*:}" --smtp-tls none
  --mail-from "Help center <noreply@example.com>" --support-email support@example.com --site-url http://$addr)
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rm -f "$work"/cases.db*
start
mkdir -p "$work/ids3"
# One variant: cases at -c16 for $secs seconds beside the side load.
variant() { # name side-script side-path KNOWN
  IDS_DIR="$work/ids3" wrk -t1 -c16 -d"${secs}s" --latency -s bench/formhandler/post.lua http://$addr/api/cases >"$work/$1.cases.txt" &
  local cp=$!
  KNOWN=$4 wrk -t1 -c16 -d"${secs}s" --latency -s "bench/formhandler/$2" "http://$addr$3" >"$work/$1.side.txt"
  wait $cp
  rate "$work/$1.cases.txt" >>"$work/$1.rates"
  p99 "$work/$1.cases.txt" | sed 's/ms$//' >>"$work/$1.p99s"
  rate "$work/$1.side.txt" >>"$work/$1.side-rates"
}
for round in 1 2 3; do
  case $round in
    1) order="control unknown quarter" ;;
    2) order="unknown quarter control" ;;
    3) order="quarter control unknown" ;;
  esac
  for v in $order; do
    case $v in
      control) variant control idle.lua /healthz 0 ;;
      unknown) variant unknown signin.lua /api/signin 0 ;;
      quarter) variant quarter signin.lua /api/signin 4 ;;
    esac
  done
done
kill -TERM $pid; wait $pid || true
kill -TERM $sinkpid; wait $sinkpid || true
sent=$(grep -c '"sign-in link sent"' "$work/serve.log" || true)
for v in control unknown quarter; do
  printf "%-8s cases %s req/s (median of %s), p99 %s ms; side load %s req/s\n" $v \
    "$(median <"$work/$v.rates")" "$(tr '\n' ' ' <"$work/$v.rates")" "$(median <"$work/$v.p99s")" "$(median <"$work/$v.side-rates")"
done
echo "links mailed: $sent; $(cat "$work/sink.txt")"
awk -v c="$(median <"$work/control.rates")" -v u="$(median <"$work/unknown.rates")" -v q="$(median <"$work/quarter.rates")" \
  'BEGIN { printf "case rate against the control: beside sign-in for addresses without cases %.2f, beside sign-in with a quarter mailed a link %.2f\n", u / c, q / c }'
