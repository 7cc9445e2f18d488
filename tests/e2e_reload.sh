#!/usr/bin/env bash
# e2e_reload.sh -- SIGHUP reloads tclientd's tables atomically: a broken
# edit (tcerrno check and tclientd -n report it) is logged as file:line:
# reason and the old tables stay in force (an errno maps as before); a
# good edit takes effect for new sessions.  The errno is observed as a
# client declaring aix-ppc64 sees it, through the tclient CLI, on a
# write-protected vtape opened for writing.
. "$(dirname "$0")/lib.sh"
D="$BIN/tclientd"
T="$BIN/tclient"
SRC=${TC_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

# certificates: the embedded default makes them on its first start
start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
stop_daemon
mkdir "$TMP/tables"
cp "$SRC"/tables/*.errno "$SRC"/tables/*.ops "$SRC"/tables/*.rules "$TMP/tables/"
cat >"$TMP/tclientd.conf" <<CONF
ca $TMP/home/ca.pem
certificate $TMP/home/server.pem
key $TMP/home/server.key
tables $TMP/tables
drive wp {
	backend vtape
	path $TMP/wp.tap
	write-protect yes
	allow * read-write
}
CONF
start_daemon "$TMP/home" "$TMP/tclientd.conf" || { fail "config daemon"; finish; exit 1; }

# wait_log TEXT: until the daemon has logged it (5 s at most)
wait_log() {
	local i
	for i in $(seq 1 250); do
		grep -qF -- "$1" "$TMP/home.log" && return 0
		sleep 0.02
	done
	return 1
}

# the write-protected open as an AIX client sees it
wp_open() {
	expect "$1: open fails" 2 sh -c "printf x | '$T' --platform aix-ppc64 -f wp write"
}

wp_open "before"
has "before: AIX number" "tclient: wp: write: EWRPROTECT (47 on aix-ppc64)"
rule=$(grep -n '^linux-\*[[:space:]]*aix-ppc64[[:space:]]*open[[:space:]]*EROFS' \
    "$TMP/tables/pairs.rules" | cut -d: -f1)
[ -n "$rule" ] && pass "the rule is at pairs.rules:$rule" || fail "no EROFS open rule for AIX"

# a broken edit: a typo in the rule, and a bad number in an errno table
cp -r "$TMP/tables" "$TMP/tables.good"
sed -i "${rule}s/EWRPROTECT/EWRPROTEKT/" "$TMP/tables/pairs.rules"
echo "EBOGUS 99999" >>"$TMP/tables/aix-ppc64.errno"
nerr=$(wc -l <"$TMP/tables/aix-ppc64.errno")
expect "tcerrno check sees the breakage" 1 "$BIN/tcerrno" check "$TMP/tables"
has "check: the rule's line" "$TMP/tables/pairs.rules:$rule: unknown errno name EWRPROTEKT: no platform matching \"aix-ppc64\" has it"
expect "tclientd -n sees it too" 1 "$D" -n -f "$TMP/tclientd.conf"
has "-n: the rule's line" "$TMP/tables/pairs.rules:$rule: unknown errno name EWRPROTEKT"
has "-n: the errno line" "$TMP/tables/aix-ppc64.errno:$nerr: errno number 99999 out of range 1..4095"
kill -HUP "$DPID"
wait_log "previous tables stay in force" && pass "broken reload refused" ||
    fail "broken reload not refused"
grep -qF "$TMP/tables/pairs.rules:$rule: unknown errno name EWRPROTEKT: no platform matching \"aix-ppc64\" has it" \
    "$TMP/home.log" && pass "log: pairs.rules:$rule: reason" ||
    fail "log lacks pairs.rules:$rule: reason"
grep -qF "$TMP/tables/aix-ppc64.errno:$nerr: errno number 99999 out of range 1..4095" \
    "$TMP/home.log" && pass "log: aix-ppc64.errno:$nerr: reason" ||
    fail "log lacks aix-ppc64.errno:$nerr: reason"
kill -0 "$DPID" && pass "still running" || fail "daemon died"
wp_open "after a broken reload"
has "old tables in force" "tclient: wp: write: EWRPROTECT (47 on aix-ppc64)"

# a good edit: the AIX client now gets EROFS for this event
rm -rf "$TMP/tables"
cp -r "$TMP/tables.good" "$TMP/tables"
sed -i "${rule}s/EWRPROTECT/EROFS/" "$TMP/tables/pairs.rules"
expect "tcerrno check passes the edit" 0 "$BIN/tcerrno" check "$TMP/tables"
expect "tclientd -n passes it" 0 "$D" -n -f "$TMP/tclientd.conf"

kill -HUP "$DPID"
wait_log "reload: tables loaded from $TMP/tables" && pass "good reload logged" ||
    fail "good reload not logged"
wp_open "after a good reload"
has "new tables in force" "tclient: wp: write: EROFS (30 on aix-ppc64)"
grep -qF "error EROFS -> EROFS (30, pair rule)" "$TMP/home.log" &&
    pass "log: the new rule chose it" || fail "log lacks the new mapping"
# a client of this host's platform is not concerned by either edit
expect "local client" 2 sh -c "printf x | '$T' -f wp write"
has "local: its own strerror" "Read-only file system"
stop_daemon
finish
