#!/bin/sh
# demo.sh -- the main job on the embedded default: tctape puts tape nodes
# for tclientd's drives in a directory, GNU tar writes a backup straight to
# DIR/vtape0, mt-st looks at the drive, tar lists and restores it, and the
# restored tree is compared.  Everything lives in a fresh state directory.
set -eu
BIN=${TC_BINDIR:-bin}
SRC=${DEMO_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/tclient-demo.XXXXXX")
export TCLIENT_HOME="$work/state"
unset TCLIENT_SERVER
tape="$work/tape"

cleanup() {
	if [ -d "$tape" ] && mountpoint -q "$tape" 2>/dev/null; then
		"$BIN/tctape" unmount "$tape" 2>/dev/null ||
		    fusermount3 -uz "$tape" 2>/dev/null || true
	fi
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
short() { sed "s|$work|\$W|g; s|$BIN/||g; $1"; }
# the command as a user types it, then its output indented
run() {
	say "\$ $*" | short ""
	if "$@" >"$work/out" 2>&1; then rc=0; else rc=$?; fi
	short 's/^/   /' <"$work/out"
	return $rc
}

if [ ! -e /dev/fuse ] || ! command -v fusermount3 >/dev/null 2>&1; then
	say "demo: tctape needs FUSE: /dev/fuse and fusermount3" \
	    "(sudo apt-get install -y fuse3)" >&2
	exit 1
fi

say "== tclientd on the embedded default (W=$work)"
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
export TCLIENT_SERVER="127.0.0.1:$(cat "$work/port")"

say "== tape nodes for its drives"
mkdir "$tape"
run "$BIN/tctape" mount "$tape"

say "== a backup of $SRC, GNU tar straight to the rewinding node"
run tar -b 20 -C "$SRC" --exclude=./obj --exclude=./bin --exclude=./lib \
    --exclude=./build --exclude=./.git -cf "$tape/vtape0" .
run mt -f "$tape/nvtape0" eod
run mt -f "$tape/nvtape0" status
run mt -f "$tape/nvtape0" rewind

say "== list and restore with tar"
say "\$ tar -b 20 -tvf \$W/tape/vtape0 | tail -3"
tar -b 20 -tvf "$tape/vtape0" | tail -3 | short 's/^/   /'
mkdir "$work/restore"
run tar -b 20 -xf "$tape/vtape0" -C "$work/restore"

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
run "$BIN/tctape" unmount "$tape"
kill $pid
wait $pid 2>/dev/null || true
pid=
say "== unmounted, tclientd stopped; demo done"
