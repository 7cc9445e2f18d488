#!/bin/sh
# demo.sh -- the main job on the embedded default: back up a directory with
# GNU tar through tclientd to the file-backed drive vtape0, rewind, restore
# it elsewhere, compare.  Everything lives in a fresh state directory.
set -eu
BIN=${TC_BINDIR:-bin}
SRC=${DEMO_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/tclient-demo.XXXXXX")
export TCLIENT_HOME="$work/state"
unset TCLIENT_SERVER

cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }

say "== starting tclientd on the embedded default (state in $TCLIENT_HOME)"
"$BIN/tclientd" -d -l 127.0.0.1:0 -P "$work/port" 2>"$work/tclientd.log" &
pid=$!
i=0
while [ ! -s "$work/port" ]; do
	i=$((i + 1))
	if [ $i -gt 500 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$work/tclientd.log" >&2
		say "demo: tclientd did not start" >&2
		exit 1
	fi
	sleep 0.02
done
say "   listening on 127.0.0.1:$(cat "$work/port"); drives:"
"$BIN/tclient" drives | sed 's/^/   /'

say "== backing up $SRC with GNU tar through 'tclient -f vtape0 write'"
tar -C "$SRC" --exclude=./obj --exclude=./bin --exclude=./lib \
    --exclude=./build --exclude=./.git -b 20 -cf - . |
    "$BIN/tclient" -v -f vtape0 write -b 10240 2>&1 | sed 's/^/   /'
"$BIN/tclient" -f vtape0 status | sed 's/^/   /'

say "== rewinding and restoring with 'tclient -f vtape0 read' into $work/restore"
"$BIN/tclient" -f vtape0 rewind
mkdir "$work/restore"
"$BIN/tclient" -v -f vtape0 read 2>"$work/read.log" |
    tar -C "$work/restore" -xf -
sed 's/^/   /' "$work/read.log"

say "== comparing"
if diff -r --exclude=obj --exclude=bin --exclude=lib --exclude=build \
    --exclude=.git "$SRC" "$work/restore" >"$work/diff" 2>&1; then
	n=$(find "$work/restore" -type f | wc -l)
	say "   OK: $n files restored byte for byte"
else
	say "   FAILED: the restored tree differs:"
	head -20 "$work/diff"
	exit 1
fi
kill $pid
wait $pid 2>/dev/null || true
pid=
say "== tclientd stopped; demo done"
