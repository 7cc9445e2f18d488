# e2e_cli.sh -- the tclient CLI against a real tclientd (embedded default):
# output, exit codes, hints, and a GNU tar backup restored byte for byte.
. "$(dirname "$0")/lib.sh"

start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
T="$BIN/tclient"

expect "drives lists both" 0 "$T" drives
has "vtape0 listed" "vtape0           vtape    read-write"
has "null0 listed" "null0            null     read-write"

expect "status at BOT" 0 "$T" -f vtape0 status
has "status layout" "SCSI 2 tape drive:
File number=0, block number=0, partition=0.
Tape block size 0 bytes. Density code 0x0 (default).
Soft error count since last status=0
General status bits on (41010000):
 BOT ONLINE IM_REP_EN"

# runs compose: each opens without rewind at close
printf 'first file\n' | "$T" -f vtape0 write
printf 'second file\n' | "$T" -f vtape0 write
expect "status after two files" 0 "$T" -f vtape0 status
has "two files written" "File number=2, block number=0"
expect "tell" 0 "$T" -f vtape0 tell
has "tell output" "At block 4."
expect "rewind" 0 "$T" -f vtape0 rewind
expect "fsf 1" 0 "$T" -f vtape0 fsf 1
expect "read second file" 0 "$T" -f vtape0 read
[ "$OUT" = "second file" ] && pass "read gives the second file" ||
    fail "read gave \"$OUT\""
expect "read at end of data" 0 "$T" -f vtape0 read
[ -z "$OUT" ] && pass "nothing after the last mark" || fail "read gave \"$OUT\""
expect "read past end of data" 2 "$T" -f vtape0 read
has "EIO reported" "vtape0: read: Input/output error"

# records of -b bytes
expect "rewind again" 0 "$T" -f vtape0 rewind
head -c 100000 /dev/urandom >"$TMP/data"
expect "write -b 4096" 0 "$T" -v -f vtape0 write -b 4096 <"$TMP/data"
has "25 records" "wrote 25 record(s), 100000 bytes"
"$T" -f vtape0 rewind
expect "read back" 0 sh -c "'$T' -f vtape0 read >'$TMP/back'"
cmp -s "$TMP/data" "$TMP/back" && pass "bytes identical" || fail "bytes differ"
"$T" -f vtape0 rewind
expect "small buffer" 2 "$T" -f vtape0 read -b 100
has "ENOMEM reported" "Cannot allocate memory"

# a GNU tar backup of a tree, through tclient, restored byte for byte
mkdir -p "$TMP/src/a/b" "$TMP/out"
head -c 300000 /dev/urandom >"$TMP/src/a/big"
echo hello >"$TMP/src/a/b/small"
ln -s big "$TMP/src/a/link"
: >"$TMP/src/empty"
expect "rewind before backup" 0 "$T" -f vtape0 rewind
expect "tar backup" 0 sh -c "tar -C '$TMP/src' -b 20 -cf - . | '$T' -f vtape0 write -b 10240"
expect "rewind before restore" 0 "$T" -f vtape0 rewind
expect "tar restore" 0 sh -c "'$T' -f vtape0 read | tar -C '$TMP/out' -xf -"
diff -r "$TMP/src" "$TMP/out" >/dev/null && [ -L "$TMP/out/a/link" ] &&
    pass "tree restored identically" || fail "restored tree differs"

# failures: exit 2 and a hint; usage: exit 1
expect "unknown drive" 2 "$T" -f vtape9 status
has "unknown drive named" "no drive named vtape9"
has "hint for unknown drive" "tclient drives"
expect "unknown command" 1 "$T" -f vtape0 frobnicate
has "unknown command named" "unknown command \"frobnicate\""
expect "negative count" 1 "$T" -f vtape0 fsf -1
expect "missing drive" 1 "$T" status
has "missing drive hint" "give -f DRIVE"
expect "too many args" 1 "$T" -f vtape0 rewind 3
expect "help" 0 "$T" --help
has "help shows usage" "usage: tclient"
expect "bad -b" 1 "$T" -f vtape0 write -b 0
expect "abbreviation" 0 "$T" -f vtape0 stat

# a drive in use
mkfifo "$TMP/fifo"
opened=$(grep -c "drive vtape0 opened" "$TMP/home.log")
"$T" -f vtape0 write <"$TMP/fifo" &
WPID=$!
exec 9>"$TMP/fifo"
for i in $(seq 1 500); do
	[ "$(grep -c "drive vtape0 opened" "$TMP/home.log")" -gt "$opened" ] &&
	    break
	sleep 0.01
done
expect "busy drive" 2 "$T" -f vtape0 status
has "EBUSY" "Device or resource busy"
has "busy hint" "in use by another session"
exec 9>&-
wait $WPID

# no server
stop_daemon
expect "no server" 2 "$T" -f vtape0 status
has "connection refused" "Connection refused"
has "start hint" "start the server with: tclientd"
finish
