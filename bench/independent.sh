#!/bin/sh
# bench/independent.sh: BENCHMARKS.md's figures again, measured from outside with
# tools that are not the harness (cmd/gleaner-bench) that made them:
#
#   - the feeds come from `gleaner-bench -serve-feeds` (the same corpus), in a
#     process of their own;
#   - the floor is bench/plain, a program of net/http and gofeed alone;
#   - the rounds are the real binary, `gleaner fetch`, timed by /usr/bin/time
#     (wall, user+system CPU, maximum RSS);
#   - serving is a running `gleaner run`, loaded by wrk, against bench/plain
#     serving the same bytes with net/http;
#   - scale (when SCALE_DB names a database of 1,000,000 items that
#     `gleaner-bench -keep DIR` left as DIR/scale.db) is `gleaner export` of the
#     curated feed timed by hyperfine, and the file's size per item by sqlite3.
#
# Usage: bench/independent.sh [DIR]   (make bench-independent)
# Needs wrk and GNU time (Debian: apt-get install wrk time; hyperfine and
# sqlite3 for the scale part). RUNS (default 3) repetitions of floor and cold.
set -eu

DIR=${1:-$(mktemp -d /tmp/gleaner-independent.XXXXXX)}
RUNS=${RUNS:-3}
PORT=${PORT:-18080}
PLAIN_PORT=${PLAIN_PORT:-18081}
GO=${GO:-go}

for tool in wrk /usr/bin/time curl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/independent.sh: $tool is missing (Debian: apt-get install wrk time curl)" >&2; exit 1; }
done

mkdir -p "$DIR" bin
$GO build -o bin/gleaner ./cmd/gleaner
$GO build -o bin/gleaner-bench ./cmd/gleaner-bench
$GO build -o bin/plain ./bench/plain

pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

rm -f "$DIR/urls.txt"
bin/gleaner-bench -serve-feeds -keep "$DIR" >"$DIR/feeds.log" 2>&1 &
feeds=$!
pids="$pids $feeds"
i=0
until [ -s "$DIR/urls.txt" ]; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "feed server did not start" >&2; cat "$DIR/feeds.log" >&2; exit 1; }
	sleep 0.1
done
echo "# $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $($GO version | cut -d' ' -f3); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(head -1 "$DIR/feeds.log")"

timed() { # label, command...: prints wall, CPU and max RSS as /usr/bin/time measured them
	label=$1; shift
	/usr/bin/time -f "$label: wall %e s, CPU %U+%S s, max RSS %M KB" -o "$DIR/time.out" "$@" >"$DIR/cmd.out" 2>&1 ||
		{ cat "$DIR/cmd.out" >&2; exit 1; }
	cat "$DIR/time.out"
}

summary() { # sums gleaner fetch's per-source lines ("... ok   seen 50, new 50, kept 7")
	awk '/ ok +seen / { n++; for (i = 1; i < NF; i++) { if ($i == "new") nw += $(i+1); if ($i == "kept") k += $(i+1) } }
		END { printf "  %d sources ok, %d new items, %d kept", n, nw, k }' "$DIR/cmd.out"
	# The round as gleaner's own log times it: without process start-up, opening
	# the store and (on the first new curated item) loading the story index,
	# which a running daemon does once.
	sed -n 's/.*msg="poll round".* duration=\([^ ]*\).*/; the round itself (its log): \1/p' "$DIR/cmd.out" | tr -d '\n'
	sed -n 's/.*msg="story index loaded" items=\([0-9]*\) duration=\([^ ]*\).*/, of which loading the story index (\1 items, once in a daemon): \2/p' "$DIR/cmd.out" | tr -d '\n'
	echo
}

db=$(sed -n 's/^database = "\(.*\)"$/\1/p' "$DIR/gleaner.toml")
for run in $(seq "$RUNS"); do
	bin/plain floor -c 8 "$DIR/urls.txt"
	rm -f "$db" "$db-wal" "$db-shm"
	timed "cold round $run (gleaner fetch, new database)" bin/gleaner fetch -config "$DIR/gleaner.toml"
	summary
done
timed "warm round (gleaner fetch, every feed 304)" bin/gleaner fetch -config "$DIR/gleaner.toml"
summary
kill -USR1 "$feeds"; sleep 0.5
timed "changed round (gleaner fetch, 100 feeds gained 5 items)" bin/gleaner fetch -config "$DIR/gleaner.toml"
summary
kill -USR2 "$feeds"
echo "  items stored: $(sqlite3 "$db" 'select count(*) from items' 2>/dev/null || echo '(sqlite3 missing)')"

# Serving: the daemon on the database the rounds filled.
sed "s/^listen = .*/listen = \"127.0.0.1:$PORT\"/" "$DIR/gleaner.toml" >"$DIR/run.toml"
bin/gleaner run -config "$DIR/run.toml" >"$DIR/run.log" 2>&1 &
pids="$pids $!"
i=0
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "gleaner run did not become ready" >&2; cat "$DIR/run.log" >&2; exit 1; }
	sleep 0.2
done
curl -fs -D "$DIR/feed.headers" -o "$DIR/feed.atom" "http://127.0.0.1:$PORT/feed.atom"
etag=$(sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' "$DIR/feed.headers")
bin/plain serve "$DIR/feed.atom" "127.0.0.1:$PLAIN_PORT" >"$DIR/plain.log" 2>&1 &
pids="$pids $!"
i=0
until curl -fs -o /dev/null "http://127.0.0.1:$PLAIN_PORT/feed.atom"; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "plain server did not start" >&2; exit 1; }
	sleep 0.1
done
load() { # label, wrk arguments...
	label=$1; shift
	printf '%s: ' "$label"
	wrk -t 2 -c 16 -d 5s "$@" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1 req\/s/p'
}
echo "serving /feed.atom ($(wc -c <"$DIR/feed.atom") bytes), wrk -t 2 -c 16 -d 5s, twice each, alternating:"
for pass in 1 2; do
	load "  gleaner run, /feed.atom" "http://127.0.0.1:$PORT/feed.atom"
	load "  gleaner run, 304 to If-None-Match" -H "If-None-Match: $etag" "http://127.0.0.1:$PORT/feed.atom"
	load "  plain net/http, same bytes" "http://127.0.0.1:$PLAIN_PORT/feed.atom"
done

if [ -n "${SCALE_DB:-}" ]; then
	command -v hyperfine >/dev/null 2>&1 || { echo "scale: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
	printf 'database = "%s"\nlisten = "127.0.0.1:0"\n\n[[source]]\nurl = "http://127.0.0.1:1/"\n' "$SCALE_DB" >"$DIR/scale.toml"
	echo "scale: $(sqlite3 "$SCALE_DB" 'select count(*) from items') items, $(stat -c %s "$SCALE_DB") bytes," \
		"$(( $(stat -c %s "$SCALE_DB") / $(sqlite3 "$SCALE_DB" 'select count(*) from items') )) bytes per item"
	hyperfine -N --warmup 2 --runs 15 "bin/gleaner export -config $DIR/scale.toml -out $DIR/export" | sed 's/^/  /'
fi
