# e2e_signals.sh -- a SIGTERM sent the moment the daemon announces its port
# (-P) still gets the orderly stop and exit 0: the signals are watched
# before anyone can know where the daemon is.  (It once died of them.)
. "$(dirname "$0")/lib.sh"
D="$BIN/tclientd"

TCLIENT_HOME="$TMP/home" "$D" -n >/dev/null 2>&1
bad=0
for i in $(seq 1 25); do
	rm -f "$TMP/port"
	TCLIENT_HOME="$TMP/home" "$D" -d -l 127.0.0.1:0 -P "$TMP/port" \
	    >"$TMP/log" 2>&1 &
	p=$!
	n=0
	while [ ! -s "$TMP/port" ] && [ $n -lt 1000000 ]; do n=$((n + 1)); done
	kill -TERM $p
	wait $p
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q "stopped" "$TMP/log"; then
		bad=$((bad + 1))
		echo "start $i: exit $rc"
	fi
done
[ $bad -eq 0 ] && pass "25 immediate SIGTERMs: each an orderly stop, exit 0" ||
    fail "$bad of 25 immediate SIGTERMs killed the daemon"
for s in HUP INT; do
	rm -f "$TMP/port"
	TCLIENT_HOME="$TMP/home" "$D" -d -l 127.0.0.1:0 -P "$TMP/port" \
	    >"$TMP/log" 2>&1 &
	p=$!
	n=0
	while [ ! -s "$TMP/port" ] && [ $n -lt 1000000 ]; do n=$((n + 1)); done
	kill -$s $p
	[ $s = HUP ] && { sleep 0.5; kill -0 $p && pass "SIGHUP at once: still running" ||
	    fail "SIGHUP at once killed the daemon"; kill -TERM $p; }
	wait $p
	rc=$?
	[ $rc -eq 0 ] && pass "SIG$s at once, then stop: exit 0" || fail "SIG$s: exit $rc"
done
finish
