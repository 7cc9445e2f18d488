# lib.sh -- shell test support: a daemon on port 0 that is always stopped,
# and PASS/FAIL lines.  Source it; call finish at the end.
set -u
BIN=${TC_BINDIR:-$(cd "$(dirname "$0")/.." && pwd)/bin}
TMP=$(mktemp -d "${TC_TESTBIN:-/tmp}/e2e.XXXXXX") || exit 1
PIDS=""
npass=0
nfail=0

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_daemon HOME [CONFIG] -- sets PORT and DPID; log in HOME.log
start_daemon() {
	local home=$1 conf=${2:-} i
	rm -f "$home.port"
	if [ -n "$conf" ]; then
		TCLIENT_HOME=$home "$BIN/tclientd" -d -v -l 127.0.0.1:0 \
		    -P "$home.port" -f "$conf" >"$home.log" 2>&1 &
	else
		TCLIENT_HOME=$home "$BIN/tclientd" -d -v -l 127.0.0.1:0 \
		    -P "$home.port" >"$home.log" 2>&1 &
	fi
	DPID=$!
	PIDS="$PIDS $DPID"
	for i in $(seq 1 500); do
		[ -s "$home.port" ] && break
		kill -0 "$DPID" 2>/dev/null || { cat "$home.log"; return 1; }
		sleep 0.01
	done
	PORT=$(cat "$home.port")
	export TCLIENT_HOME=$home TCLIENT_SERVER=127.0.0.1:$PORT
}

stop_daemon() {
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
}

pass() { npass=$((npass + 1)); echo "PASS $*"; }
fail() { nfail=$((nfail + 1)); echo "FAIL $*"; }

# expect NAME WANT-EXIT CMD... -- run CMD; its output in $OUT
expect() {
	local name=$1 want=$2
	shift 2
	OUT=$("$@" 2>&1)
	local rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name: exit $rc, wanted $want; output:"
		printf '%s\n' "$OUT" | sed 's/^/    /'
	fi
}

# has NAME TEXT -- the last output contains TEXT
has() {
	case $OUT in
	*"$2"*) pass "$1" ;;
	*) fail "$1: output lacks \"$2\":"; printf '%s\n' "$OUT" | sed 's/^/    /' ;;
	esac
}

finish() {
	echo "ok $npass of $((npass + nfail))"
	[ "$nfail" -eq 0 ]
}
