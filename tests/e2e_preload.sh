# e2e_preload.sh -- libtcpreload.so under the real Debian programs (mt-st,
# dd, GNU tar, cpio, bash) against a real tclientd: positions, record
# sizes, filemarks, errno at open, dups, fork, and a program killed with
# kill -9 in the middle of writing.
. "$(dirname "$0")/lib.sh"

PL=${TC_LIBDIR:-$(cd "$(dirname "$0")/.." && pwd)/lib}/libtcpreload.so
[ -f "$PL" ] || { fail "no $PL"; finish; exit 1; }
# A sanitized build: the programs are not, so ASan cannot come first.
if ldd "$PL" | grep -q libasan; then
	export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
fi

# certificates from the embedded default, then drives from a config file
start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
stop_daemon
cp "$TMP/home/ca.pem" "$TMP/home/server.pem" "$TMP/home/server.key" "$TMP/"
cat >"$TMP/tclientd.conf" <<CONF
listen 127.0.0.1:0
ca ca.pem
certificate server.pem
key server.key
drive tape0 {
	backend vtape
	path tape0.tap
	allow local-client read-write
}
drive small0 {
	backend vtape
	path small0.tap
	capacity 1M
	early-warning 256K
	allow local-client read-write
}
drive small1 {
	backend vtape
	path small1.tap
	capacity 1M
	early-warning 256K
	allow local-client read-write
}
drive ro1 {
	backend vtape
	path ro1.tap
	write-protect yes
	allow local-client read-write
}
CONF
start_daemon "$TMP/home" "$TMP/tclientd.conf" ||
    { fail "config daemon"; finish; exit 1; }
export TCLIENT_DEVICES=/dev/tc0=tape0,/dev/tcro=ro1:norewind,/dev/s0=small0,/dev/s1=small1

# pl CMD... -- run CMD with the driver preloaded
pl() { env LD_PRELOAD="$PL" "$@"; }
MT="mt -f /dev/ntc0"
st() { pl $MT status | sed -n 2p; }
# at NAME WANT -- the file and block numbers mt status reports
at() {
	local got
	got=$(st)
	[ "$got" = "File number=$2, partition=0." ] && pass "$1" ||
	    fail "$1: \"$got\", wanted file/block $2"
}

# --- mt-st: the positions st reports
pl $MT rewind
for n in 3 2 1; do
	pl dd if=/dev/zero of=/dev/ntc0 bs=1024 count=$n 2>/dev/null
done
at "three files written" "3, block number=0"
expect "mt rewind" 0 pl $MT rewind
at "rewind: BOT" "0, block number=0"
pl $MT status | grep -q " BOT " && pass "BOT bit" || fail "no BOT bit"
expect "mt fsf" 0 pl $MT fsf 1
at "fsf 1" "1, block number=0"
expect "mt fsr" 0 pl $MT fsr 1
at "fsr 1" "1, block number=1"
expect "mt bsr" 0 pl $MT bsr 1
at "bsr 1" "1, block number=0"
expect "mt fsf to the third" 0 pl $MT fsf 1
expect "mt bsf" 0 pl $MT bsf 1
at "bsf 1: before the mark, block unknown" "1, block number=-1"
expect "mt eod" 0 pl $MT eod
at "eod" "3, block number=-1"
expect "mt weof" 0 pl $MT weof
at "weof at the end" "4, block number=0"
expect "mt tell" 0 pl $MT tell
has "tell counts records and marks" "At block 10."
expect "mt seek" 0 pl $MT seek 3
at "seek: numbers unknown" "-1, block number=-1"
expect "mt tell after seek" 0 pl $MT tell
has "tell after seek" "At block 3."
expect "mt fsr past the mark" 2 pl $MT fsr 5
expect "mt setblk" 0 pl $MT setblk 512
expect "status with a block size" 0 pl $MT status
has "block size 512" "Tape block size 512 bytes."
expect "mt setblk 0" 0 pl $MT setblk 0
expect "mt offline" 0 pl $MT offline
expect "status without a tape" 0 pl $MT status
has "DR_OPEN" "DR_OPEN"
expect "open without a tape" 1 pl dd if=/dev/ntc0 of=/dev/null
has "ENOMEDIUM at open" "No medium found"
expect "O_NONBLOCK open without a tape" 1 pl dd if=/dev/ntc0 of=/dev/null \
    iflag=nonblock
has "ENOMEDIUM at read" "error reading '/dev/ntc0': No medium found"
expect "mt load" 0 pl $MT load
at "loaded at BOT" "0, block number=0"

# the rewinding node rewinds at close, after its filemark
pl $MT eod
echo rewinding | pl dd of=/dev/tc0 2>/dev/null
at "tc0 rewound at close" "0, block number=0"
pl $MT fsf 4
expect "read what tc0 wrote" 0 pl dd if=/dev/ntc0 of="$TMP/rw" bs=64k
[ "$(cat "$TMP/rw")" = rewinding ] && pass "tc0 record" || fail "tc0 record"
at "filemark after tc0's record" "5, block number=0"

# --- dd: one record per write, at most one per read
pl $MT rewind
for s in 1 512 10240 65536 262144 1048576; do
	head -c $s /dev/urandom >"$TMP/r$s"
	pl dd if="$TMP/r$s" of=/dev/ntc0 bs=$s 2>"$TMP/dd.err" ||
	    { fail "dd write $s"; cat "$TMP/dd.err"; }
done
at "six files of one record" "6, block number=0"
pl $MT rewind
for s in 1 512 10240 65536 262144 1048576; do
	expect "dd read $s" 0 pl dd if=/dev/ntc0 of="$TMP/b$s" bs=2M
	has "one record of $s" "0+1 records in"
	cmp -s "$TMP/r$s" "$TMP/b$s" && pass "$s bytes identical" ||
	    fail "$s bytes differ ($(wc -c <"$TMP/b$s") read)"
done
at "a filemark after each" "6, block number=0"
pl $MT rewind
pl $MT fsf 2
expect "smaller buffer" 1 pl dd if=/dev/ntc0 of=/dev/null bs=10239 count=1
has "ENOMEM" "Cannot allocate memory"
at "the record is consumed" "2, block number=1"

# --- GNU tar: two archives on one tape, -b 20 and -b 512
mkdir -p "$TMP/src/a/b" "$TMP/src2" "$TMP/out1" "$TMP/out2"
head -c 300000 /dev/urandom >"$TMP/src/a/big"
echo hello >"$TMP/src/a/b/small"
ln -s big "$TMP/src/a/link"
: >"$TMP/src/empty"
head -c 1000000 /dev/urandom >"$TMP/src2/second"
pl $MT rewind
expect "tar -b 20 create" 0 pl tar -b 20 -cf /dev/ntc0 -C "$TMP/src" .
expect "tar -b 512 create" 0 pl tar -b 512 -cf /dev/ntc0 -C "$TMP/src2" .
at "two archives" "2, block number=0"
pl $MT rewind
expect "tar list" 0 pl tar -b 20 -tf /dev/ntc0
has "list shows big" "./a/big"
pl $MT rewind
expect "first record" 0 pl dd if=/dev/ntc0 of=/dev/null bs=1M count=1
has "-b 20: 10240-byte records" "10240 bytes"
pl $MT rewind
expect "mt fsf to the second" 0 pl $MT fsf 1
expect "tar -b 512 extract" 0 pl tar -b 512 -xf /dev/ntc0 -C "$TMP/out2"
cmp -s "$TMP/src2/second" "$TMP/out2/second" && pass "second archive restored" ||
    fail "second archive differs"
pl $MT rewind
pl $MT fsf 1
expect "second's record" 0 pl dd if=/dev/ntc0 of=/dev/null bs=1M count=1
has "-b 512: 262144-byte records" "262144 bytes"
pl $MT rewind
expect "tar -b 20 extract" 0 pl tar -b 20 -xf /dev/ntc0 -C "$TMP/out1"
diff -r "$TMP/src" "$TMP/out1" >/dev/null && [ -L "$TMP/out1/a/link" ] &&
    pass "first archive restored" || fail "first archive differs"

# tar -M: end of medium on a small cartridge, continued on a second
mkdir -p "$TMP/src3" "$TMP/out4"
head -c 1200000 /dev/urandom >"$TMP/src3/large"
expect "tar -M create" 0 pl tar -M -b 20 -cf /dev/s0 -f /dev/s1 -C "$TMP/src3" .
expect "tar -M extract" 0 pl tar -M -b 20 -xf /dev/s0 -f /dev/s1 -C "$TMP/out4"
cmp -s "$TMP/src3/large" "$TMP/out4/large" && pass "two volumes restored" ||
    fail "multi-volume file differs"
expect "second volume" 0 pl tar -b 20 -tvf /dev/s1
has "continued on the second" "./large--Continued at byte"
expect "first volume's records" 0 pl dd if=/dev/s0 of=/dev/null bs=10240
# 1M cartridge, 256K early warning: the write that enters the zone at
# 768K (the 77th of 10240) completes, the 78th gets ENOSPC
n=$(printf '%s\n' "$OUT" | sed -n 's/^\([0-9]*\)+0 records in$/\1/p')
[ "${n:-0}" -eq 77 ] &&
    pass "first volume filled to early warning ($n records)" ||
    fail "first volume has ${n:-no} records"

# mbuffer stops at early warning; --tapeaware goes on to the physical end
# (the autoloader "false" then ends it; it wants a pipe or file on stdin).  8192-byte records: the 96th ends
# at 768K; 127 records with their framing fill the 1M cartridge.
head -c 1500000 /dev/urandom >"$TMP/mb"
for ta in "" --tapeaware; do
	pl mt -f /dev/ns1 rewind
	pl mbuffer $ta -q -o /dev/ns1 -s 8192 -A false <"$TMP/mb" \
	    >/dev/null 2>&1
	pl mt -f /dev/ns1 rewind
	expect "mbuffer ${ta:---notapeaware}: read" 0 pl dd if=/dev/ns1 \
	    of=/dev/null bs=8192
	want=96; [ -n "$ta" ] && want=127
	has "mbuffer ${ta:---notapeaware}: $want records" "$want+0 records in"
done

# --- cpio
mkdir -p "$TMP/out3"
pl $MT rewind
expect "cpio -o" 0 sh -c "cd '$TMP/src' && find . | env LD_PRELOAD='$PL' cpio -o -H newc -B -O /dev/ntc0"
pl $MT rewind
expect "cpio -i" 0 sh -c "cd '$TMP/out3' && env LD_PRELOAD='$PL' cpio -i -d -B -I /dev/ntc0"
diff -r "$TMP/src" "$TMP/out3" >/dev/null && pass "cpio restored" ||
    fail "cpio tree differs"

# --- dup, dup2 and close share one drive (dd itself opens, dup2s onto
# 0 or 1 and closes the first descriptor, in every dd above); a forked
# child's copy fails with EIO and leaves the parent's session alone.
# (bash reads a tape byte by byte once lseek fails: records of 1 byte)
pl $MT rewind
printf ab | pl dd of=/dev/ntc0 bs=1 2>/dev/null
pl $MT rewind
expect "bash: dups and forks" 0 pl bash -c 'exec 3</dev/ntc0; exec 4<&3
	exec 3<&-; read -r -n 1 x <&4; ( : ); /bin/true
	( read -r -n 1 y <&4 ) 2>&1; read -r -n 1 z <&4; echo "got $x$z"'
has "parent's reads" "got ab"
has "EIO in a forked child" "Input/output error"
at "two records read" "0, block number=2"
expect "across exec" 0 pl bash -c 'exec 3</dev/ntc0
	( exec 0<&3; exec dd of=/dev/null ) 2>&1; exit 0'
has "closed across exec" "standard input': Bad file descriptor"

# --- other paths are the C library's, in the same process
pl $MT rewind
echo plain >"$TMP/plain"
expect "tape to a file" 0 pl dd if=/dev/ntc0 of="$TMP/copy" bs=64k count=1
expect "file to file" 0 pl dd if="$TMP/plain" of="$TMP/plain2"
cmp -s "$TMP/plain" "$TMP/plain2" && pass "unrelated files work" ||
    fail "unrelated file differs"

# --- open errors: EBUSY, EROFS, an unknown drive, bad TCLIENT_DEVICES
mkfifo "$TMP/fifo"
opened=$(grep -c "drive tape0 opened" "$TMP/home.log")
pl dd if="$TMP/fifo" of=/dev/ntc0 2>/dev/null &
HPID=$!
exec 9>"$TMP/fifo"
for i in $(seq 1 500); do
	[ "$(grep -c "drive tape0 opened" "$TMP/home.log")" -gt "$opened" ] &&
	    break
	sleep 0.01
done
expect "second opener" 1 pl dd if=/dev/ntc0 of=/dev/null
has "EBUSY" "Device or resource busy"
exec 9>&-
wait $HPID
expect "write-protected" 1 pl dd if=/dev/zero of=/dev/tcro count=1
has "EROFS" "Read-only file system"
expect "write-protected status" 0 pl mt -f /dev/tcro status
has "WR_PROT" "WR_PROT"
expect "unknown drive" 1 env TCLIENT_DEVICES=/dev/tc9=nosuch LD_PRELOAD="$PL" \
    dd if=/dev/tc9
has "ENXIO" "No such device or address"
has "names the drive" "no drive named nosuch"
expect "bad TCLIENT_DEVICES" 1 env TCLIENT_DEVICES=/dev/tc0 LD_PRELOAD="$PL" \
    dd if=/dev/tc0
has "syntax error named" "TCLIENT_DEVICES: \"/dev/tc0\": no '='"

# --- kill -9 between writes: every record written, then a filemark
# killed_writer DEV BS INPUT SIZE WHAT -- dd INPUT to DEV in BS-byte
# records through the fifo; once dd is back in read(0) with the cartridge
# SIZE bytes long (WHAT is on it), kill -9 it and wait for the daemon to
# close the drive.
killed_writer() {
	env LD_PRELOAD="$PL" dd iflag=fullblock bs=$2 of=$1 \
	    <"$TMP/kfifo" 2>/dev/null &
	KPID=$!
	exec 8>"$TMP/kfifo"
	cat "$3" >&8
	for i in $(seq 1 1000); do
		[ "$(cut -d' ' -f1,2 /proc/$KPID/syscall 2>/dev/null)" = "0 0x0" ] &&
		    [ "$(stat -c %s "$TMP/tape0.tap")" -eq $4 ] && break
		sleep 0.01
	done
	[ "$(stat -c %s "$TMP/tape0.tap")" -eq $4 ] &&
	    pass "$5 on the cartridge when write() returned" ||
	    fail "cartridge holds $(stat -c %s "$TMP/tape0.tap") bytes"
	kill -9 $KPID
	wait $KPID 2>/dev/null
	exec 8>&-
	# the daemon closes the drive when the connection drops
	for i in $(seq 1 500); do
		pl $MT status >/dev/null 2>&1 && break
		sleep 0.02
	done
}

pl $MT rewind
head -c 40960 /dev/urandom >"$TMP/k"
mkfifo "$TMP/kfifo"
# ten framed records of 4096 bytes (no filemark yet)
killed_writer /dev/ntc0 4096 "$TMP/k" 41040 "ten records"
at "killed writer: one file" "1, block number=0"
pl $MT rewind
expect "killed writer's records" 0 pl dd if=/dev/ntc0 of="$TMP/kb" bs=8192
has "ten whole records" "0+10 records in"
cmp -s "$TMP/k" "$TMP/kb" && pass "killed writer's bytes" ||
    fail "killed writer's bytes differ"

# the rewinding node: the close the daemon does for a killed program
# writes the filemark and rewinds
pl $MT rewind
printf 'r1r2' >"$TMP/k2"
killed_writer /dev/tc0 2 "$TMP/k2" 20 "two records"
at "killed writer on tc0: rewound" "0, block number=0"
expect "killed tc0 writer's records" 0 pl dd if=/dev/ntc0 of="$TMP/k2b" bs=64
has "two records" "0+2 records in"
cmp -s "$TMP/k2" "$TMP/k2b" && pass "killed tc0 writer's bytes" ||
    fail "killed tc0 writer's bytes differ"
at "then its filemark" "1, block number=0"

# kill -9 while streaming: a prefix of whole records, then a filemark
head -c 8388608 /dev/urandom >"$TMP/s"
pl $MT rewind
env LD_PRELOAD="$PL" dd if="$TMP/s" bs=4096 of=/dev/ntc0 2>/dev/null &
SPID=$!
for i in $(seq 1 2000); do
	[ "$(stat -c %s "$TMP/tape0.tap")" -ge 500000 ] && break
	sleep 0.01
done
kill -9 $SPID
wait $SPID 2>/dev/null
for i in $(seq 1 500); do
	pl $MT status >/dev/null 2>&1 && break
	sleep 0.02
done
pl $MT rewind
expect "streamed records" 0 pl dd if=/dev/ntc0 of="$TMP/sb" bs=8192
n=$(wc -c <"$TMP/sb")
# 500000 bytes of cartridge hold at least 122 records of 4096 (+8 framing)
[ $((n % 4096)) -eq 0 ] && [ "$n" -ge 499712 ] &&
    pass "whole records ($n bytes)" || fail "streamed $n bytes"
head -c "$n" "$TMP/s" | cmp -s - "$TMP/sb" &&
    pass "a prefix of what was written" || fail "streamed bytes differ"
at "streamed: then a filemark" "1, block number=0"
finish
