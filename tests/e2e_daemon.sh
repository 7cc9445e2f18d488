# e2e_daemon.sh -- tclientd as an administrator meets it: -n, the embedded
# default's files, key permissions, a config file with ACLs, signals, and a
# malformed peer that ends only its own session.
. "$(dirname "$0")/lib.sh"
D="$BIN/tclientd"
T="$BIN/tclient"

expect "--help" 0 "$D" --help
has "usage shown" "usage: tclientd"
expect "bad option" 1 "$D" -x
expect "--version" 0 "$D" --version
has "version" "tclientd 0."

# the embedded default makes its state directory, keys private
start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
for f in ca.pem ca.key server.pem server.key client.pem client.key server; do
	[ -f "$TMP/home/$f" ] && pass "made $f" || fail "no $f"
done
[ "$(stat -c %a "$TMP/home/server.key")" = 600 ] && pass "server.key 0600" ||
    fail "server.key mode $(stat -c %a "$TMP/home/server.key")"
[ "$(stat -c %a "$TMP/home")" = 700 ] && pass "state dir 0700" || fail "state dir mode"
[ "$(cat "$TMP/home/server")" = "127.0.0.1:$PORT" ] && pass "server file" ||
    fail "server file says $(cat "$TMP/home/server")"
expect "-n on the embedded default" 0 env TCLIENT_HOME="$TMP/home" "$D" -n
has "configuration OK" "configuration OK"

# a peer that speaks garbage ends its own session, nobody else's
printf 'GARBAGE-GARBAGE' | timeout 10 openssl s_client -quiet -connect \
    127.0.0.1:$PORT -CAfile "$TMP/home/ca.pem" -cert "$TMP/home/client.pem" \
    -key "$TMP/home/client.key" >/dev/null 2>&1
for i in $(seq 1 100); do
	grep -q "ending session" "$TMP/home.log" && break
	sleep 0.02
done
grep -q "ending session: unknown frame type" "$TMP/home.log" &&
    pass "garbage frame: session ended with a reason" ||
    fail "no reason logged for the garbage frame"
expect "daemon still serves" 0 "$T" -f null0 status

# plaintext is refused at the handshake
# (bash: sh has no /dev/tcp)
timeout 5 bash -c "printf 'hello\r\n\r\n' >/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
for i in $(seq 1 100); do
	grep -q "TLS handshake failed: .*wrong version number" "$TMP/home.log" && break
	sleep 0.02
done
grep -q "TLS handshake failed: .*wrong version number" "$TMP/home.log" &&
    pass "plaintext refused" || fail "plaintext not refused"

# TLS 1.2 is refused
timeout 5 openssl s_client -connect 127.0.0.1:$PORT -tls1_2 \
    -CAfile "$TMP/home/ca.pem" -cert "$TMP/home/client.pem" \
    -key "$TMP/home/client.key" </dev/null >"$TMP/tls12" 2>&1
grep -q "Cipher is (NONE)\|alert protocol version\|no protocols available" \
    "$TMP/tls12" && pass "TLS 1.2 refused" || fail "TLS 1.2 not refused"

# SIGTERM: an orderly stop
kill -TERM $DPID
wait $DPID
rc=$?
[ $rc -eq 0 ] && pass "SIGTERM exit 0" || fail "SIGTERM exit $rc"
grep -q "stopped" "$TMP/home.log" && pass "stop logged" || fail "stop not logged"

# a config file: ACLs, read-only access, write protection, early warning
cp "$TMP/home/ca.pem" "$TMP/home/server.pem" "$TMP/home/server.key" "$TMP/"
TCLIENT_HOME="$TMP/home" "$D" --issue-client reader "$TMP/reader" >/dev/null
cat >"$TMP/tclientd.conf" <<CONF
# test configuration
listen 127.0.0.1:0
ca ca.pem
certificate server.pem
key server.key
drive tape1 {
	backend vtape
	path tape1.tap
	capacity 1M
	early-warning 256K
	allow local-client read-write
	allow reader read-only
}
drive ro1 {
	backend vtape
	path ro1.tap
	write-protect yes
	allow local-client read-write
}
CONF
expect "-n good config" 0 "$D" -n -f "$TMP/tclientd.conf"
has "good config OK" "configuration OK"
sed 's/capacity 1M/capcity 1M/; s/allow reader read-only/allow reader sometimes/' \
    "$TMP/tclientd.conf" >"$TMP/bad.conf"
expect "-n bad config" 1 "$D" -n -f "$TMP/bad.conf"
has "bad keyword at its line" "bad.conf:9:"
has "bad access at its line" "bad.conf:12:"

chmod 644 "$TMP/server.key"
expect "readable key refused" 1 "$D" -d -f "$TMP/tclientd.conf"
has "key mode named" "readable by group or others"
chmod 600 "$TMP/server.key"

start_daemon "$TMP/home" "$TMP/tclientd.conf" || { fail "config daemon"; finish; exit 1; }
expect "drives for local-client" 0 "$T" drives
has "tape1 rw" "tape1            vtape    read-write"
expect "drives for reader" 0 env TCLIENT_HOME="$TMP/reader" "$T" drives
has "tape1 ro for reader" "tape1            vtape    read-only"
case $OUT in *ro1*) fail "reader sees ro1" ;; *) pass "reader does not see ro1" ;; esac
printf 'data\n' | "$T" -f tape1 write
"$T" -f tape1 rewind
expect "reader reads" 0 env TCLIENT_HOME="$TMP/reader" "$T" -f tape1 read
[ "$OUT" = data ] && pass "reader got the data" || fail "reader got \"$OUT\""
expect "reader may not write" 2 sh -c "printf x | TCLIENT_HOME='$TMP/reader' '$T' -f tape1 write"
has "EACCES for a reader" "Permission denied"
expect "reader may not weof" 2 env TCLIENT_HOME="$TMP/reader" "$T" -f tape1 weof
expect "reader denied ro1" 2 env TCLIENT_HOME="$TMP/reader" "$T" -f ro1 status
has "denied names identity" "identity reader may not use drive ro1"

# write protection: EROFS at a blocking open for writing
expect "write-protected open" 2 sh -c "printf x | '$T' -f ro1 write"
has "EROFS" "Read-only file system"
has "write-protect hint" "write-protected"
expect "write-protected status" 0 "$T" -f ro1 status
has "WR_PROT bit" "WR_PROT"

# early warning: the write that enters it completes, then ENOSPC
"$T" -f tape1 rewind
# (a write-behind window smaller than the zone, as the man page asks)
head -c 900000 /dev/zero | TCLIENT_WINDOW=131072 "$T" -f tape1 write -b 65536 2>"$TMP/ew.err"
grep -q "No space left on device" "$TMP/ew.err" && pass "ENOSPC at early warning" ||
    fail "no ENOSPC: $(cat "$TMP/ew.err")"
grep -q "at its end; continue on another cartridge" "$TMP/ew.err" &&
    pass "end-of-medium hint" || fail "no end-of-medium hint"

# SIGHUP with an ACL change: the reader is dropped
sed -i '/allow reader read-only/d' "$TMP/tclientd.conf"
kill -HUP $DPID
for i in $(seq 1 100); do
	grep -q "access lists updated" "$TMP/home.log" && break
	sleep 0.02
done
expect "reader denied after reload" 0 env TCLIENT_HOME="$TMP/reader" "$T" drives
case $OUT in *tape1*) fail "reader still sees tape1" ;; *) pass "reload dropped reader" ;; esac
# a broken edit keeps the running configuration
echo "bogus line" >>"$TMP/tclientd.conf"
kill -HUP $DPID
for i in $(seq 1 100); do
	grep -q "running configuration stays in force" "$TMP/home.log" && break
	sleep 0.02
done
grep -q "tclientd.conf:19:" "$TMP/home.log" && pass "broken reload: file:line logged" ||
    fail "broken reload not reported"
expect "still serving after a broken reload" 0 "$T" -f tape1 status
stop_daemon
finish
