# e2e_loops.sh -- tclientd with several event loops (event-loops 3): the
# sessions spread over all of them, each stream comes back byte for byte,
# a drive has one owner whichever loops its sessions are on, SIGHUP while
# streams run, and SIGTERM ends the sessions of every loop.
. "$(dirname "$0")/lib.sh"
D="$BIN/tclientd"
T="$BIN/tclient"

H=$TMP/home
# the embedded default makes the keys and the client's certificate
start_daemon "$H" || { fail "daemon start"; finish; exit 1; }
stop_daemon
{
	echo "ca $H/ca.pem"
	echo "certificate $H/server.pem"
	echo "key $H/server.key"
	echo "event-loops 3"
	for i in 0 1 2 3 4 5; do
		printf 'drive v%d {\n\tbackend vtape\n\tpath %s/v%d.tap\n' \
		    $i "$TMP" $i
		printf '\tcapacity 256M\n\tallow local-client read-write\n}\n'
	done
} >"$TMP/tclientd.conf"
start_daemon "$H" "$TMP/tclientd.conf" || { fail "daemon start"; finish; exit 1; }
grep -q "3 event loops" "$H.log" && pass "3 event loops started" ||
    fail "no '3 event loops' in the log: $(head -5 "$H.log")"

# six writers at once, one drive each; sizes that end in a short record
pids=""
for i in 0 1 2 3 4 5; do
	head -c $((3 * 1048576 + i * 4099)) /dev/urandom >"$TMP/in$i"
	"$T" -f v$i write -b 65536 <"$TMP/in$i" 2>"$TMP/w$i.err" &
	pids="$pids $!"
done
bad=0
for p in $pids; do wait $p || bad=$((bad + 1)); done
[ $bad -eq 0 ] && pass "six concurrent writers exit 0" ||
    fail "$bad of six concurrent writers failed: $(cat "$TMP"/w*.err)"
for l in 0 1 2; do
	grep -q "connection accepted (event loop $l)" "$H.log" &&
	    pass "sessions on loop $l" || fail "no session on loop $l"
done
bad=0
for i in 0 1 2 3 4 5; do
	"$T" -f v$i rewind && "$T" -f v$i read -b 65536 >"$TMP/out$i" &&
	    cmp -s "$TMP/in$i" "$TMP/out$i" || { bad=$((bad + 1)); echo "v$i differs"; }
done
[ $bad -eq 0 ] && pass "six streams read back byte for byte" ||
    fail "$bad of six streams differ"

# one owner: v0 held by a session; opens from new sessions (the next
# ones go to the other loops) get EBUSY
mkfifo "$TMP/hold"
"$T" -f v0 rewind
L=$(wc -l <"$H.log")
"$T" -f v0 write -b 65536 <"$TMP/hold" 2>"$TMP/hold.err" &
hp=$!
exec 3>"$TMP/hold"
for i in $(seq 1 500); do
	tail -n +$((L + 1)) "$H.log" | grep -q "drive v0 opened read-write" && break
	sleep 0.02
done
busy=0
for i in 1 2 3; do
	"$T" -f v0 status >"$TMP/busy.out" 2>&1
	rc=$?
	[ $rc -eq 2 ] && grep -q "in use by another session" "$TMP/busy.out" &&
	    busy=$((busy + 1))
done
[ $busy -eq 3 ] && pass "v0 busy for sessions on every loop" ||
    fail "v0 busy $busy of 3 times: $(cat "$TMP/busy.out")"
printf 'held' >&3
exec 3>&-
wait $hp && pass "the holder finishes" || fail "holder: $(cat "$TMP/hold.err")"
"$T" -f v0 rewind
"$T" -f v0 read >"$TMP/held.out" 2>/dev/null
[ "$(od -An -c "$TMP/held.out" | tr -d ' \n')" = held ] && pass "the holder's record is on v0" ||
    fail "v0 holds $(od -An -c "$TMP/held.out" | head -2)"

# SIGHUP (tables and access lists replaced) while four streams run
pids=""
for i in 1 2 3 4; do
	"$T" -f v$i rewind
	head -c $((24 * 1048576)) /dev/zero |
	    "$T" -f v$i write -b 262144 2>"$TMP/s$i.err" &
	pids="$pids $!"
done
for k in 1 2 3 4 5; do kill -HUP $DPID; sleep 0.1; done
bad=0
for p in $pids; do wait $p || bad=$((bad + 1)); done
[ $bad -eq 0 ] && pass "four streams through five reloads exit 0" ||
    fail "$bad streams failed across reloads: $(cat "$TMP"/s*.err)"
n=$(grep -c "reload: tables loaded" "$H.log")
[ "$n" -ge 5 ] && pass "five reloads done" || fail "$n reloads logged"
expect "an error is still mapped after the reloads" 2 "$T" -f v9 status
has "no such drive" "no drive named v9"

# SIGTERM with a drive held on each loop: every session ends, exit 0
for i in 1 2 3; do "$T" -f v$i rewind; done
L=$(wc -l <"$H.log")
for i in 1 2 3; do
	mkfifo "$TMP/h$i"
	"$T" -f v$i write -b 65536 <"$TMP/h$i" >"$TMP/h$i.out" 2>&1 &
	eval "exec $((3 + i))>'$TMP/h$i'"
done
for i in $(seq 1 250); do
	[ "$(tail -n +$((L + 1)) "$H.log" | grep -c "drive v[123] opened")" -ge 3 ] &&
	    break
	sleep 0.02
done
kill -TERM $DPID
wait $DPID
rc=$?
exec 4>&- 5>&- 6>&-
[ $rc -eq 0 ] && pass "SIGTERM with sessions on three loops: exit 0" ||
    fail "SIGTERM: exit $rc"
grep -q "stopping: closing 3 session(s)" "$H.log" && pass "three sessions to close" ||
    fail "stop logged: $(grep stopping "$H.log")"
n=$(tail -n +$((L + 1)) "$H.log" | grep -c "drive v[123]: closing it for the lost session")
[ "$n" -eq 3 ] && pass "each held drive closed for its session" ||
    fail "$n held drives closed"
grep -q "stopped" "$H.log" && pass "stop logged" || fail "no 'stopped'"
finish
