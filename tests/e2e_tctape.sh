# e2e_tctape.sh -- tctape's FUSE tape nodes with the Debian tools, as a
# user meets them: mt-st positions, dd record sizes, GNU tar (multi-file,
# multi-volume), cpio, dump/restore, mbuffer to end of medium, kill -9 mid
# write, EBUSY, EROFS, ENOMEDIUM, a write error done behind.
. "$(dirname "$0")/lib.sh"
TT="$BIN/tctape"
MNT="$TMP/mnt"
LOOP=""

unmount_all() {
	local m
	for m in "$MNT" "$TMP/mnt2"; do
		mountpoint -q "$m" 2>/dev/null &&
		    { "$TT" unmount "$m" 2>/dev/null || fusermount3 -uz "$m"; }
	done
	[ -n "$LOOP" ] && losetup -d "$LOOP"
}
trap 'unmount_all; cleanup' EXIT

expect "--help" 0 "$TT" --help
has "usage shown" "usage: tctape"
expect "no command" 1 "$TT"
expect "unknown command" 1 "$TT" mnt "$TMP"
has "command named" 'unknown command "mnt"'
expect "unmount of a plain directory" 2 "$TT" unmount "$TMP"
has "not a tctape mount" "not a tctape mount"

if ! [ -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
	echo "SKIP: no /dev/fuse here; tctape needs FUSE"
	finish
	exit
fi

# certificates from the embedded default, then a daemon with test drives
start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
stop_daemon
cp "$TMP/home/ca.pem" "$TMP/home/server.pem" "$TMP/home/server.key" "$TMP/"
cat >"$TMP/tclientd.conf" <<CONF
listen 127.0.0.1:0
ca ca.pem
certificate server.pem
key server.key
drive vtape0 {
	backend vtape
	path vtape0.tap
	allow local-client read-write
}
drive small {
	backend vtape
	path small.tap
	capacity 1M
	early-warning 256K
	allow local-client read-write
}
drive ro0 {
	backend vtape
	path ro0.tap
	write-protect yes
	allow local-client read-write
}
drive bad0 {
	backend vtape
	path bad0.tap
	fail-write 3
	allow local-client read-write
}
drive bad1 {
	backend vtape
	path bad1.tap
	fail-write 5
	allow local-client read-write
}
drive null0 {
	backend null
	allow local-client read-write
}
CONF
start_daemon "$TMP/home" "$TMP/tclientd.conf" ||
    { fail "config daemon"; finish; exit 1; }

expect "tclient drives" 0 "$BIN/tclient" drives
has "tclient drives gives the node limit" "through tctape(8) nodes: up to 1048576 bytes per record"
expect "no server" 2 env TCLIENT_SERVER=127.0.0.1:1 "$TT" -f mount "$TMP"
has "connect error named" "cannot connect"

# the nodes, in the foreground (-f), a small write-behind window so that
# the 256K early-warning zone of "small" is met as st meets it
mkdir "$MNT"
TCLIENT_WINDOW=65536 "$TT" -f mount "$MNT" >"$TMP/tctape.log" 2>&1 &
TPID=$!
PIDS="$PIDS $TPID"
for i in $(seq 1 500); do
	[ -e "$MNT/nvtape0" ] && break
	kill -0 $TPID 2>/dev/null || break
	sleep 0.02
done
[ -e "$MNT/nvtape0" ] && pass "mounted" ||
    { fail "mount: $(cat "$TMP/tctape.log")"; finish; exit 1; }
OUT=$(ls "$MNT" | tr '\n' ' ')
has "two nodes per drive" "bad0 bad1 nbad0 nbad1 nnull0 nro0 nsmall null0 nvtape0 ro0 small vtape0"
OUT=$(cat "$TMP/tctape.log")
has "node table" "nvtape0           vtape0           vtape    no-rewind read-write 1048576"
has "limit reported" "a write(2) is one record of at most 1048576 bytes"

N="$MNT/nvtape0"
# status line 2 (file, block) and the flags line, joined
st() { mt -f "$1" status 2>&1 | sed -n '2p;6p' | tr '\n' ' ' | sed 's/ *$//'; }
is() {	# NAME WANT GOT
	[ "$3" = "$2" ] && pass "$1" || fail "$1: got \"$3\", wanted \"$2\""
}

## mt-st
is "status at BOT" "File number=0, block number=0, partition=0.  BOT ONLINE IM_REP_EN" "$(st "$N")"
OUT=$(mt -f "$N" status)
has "SCSI-2, variable blocks" "SCSI 2 tape drive:
File number=0, block number=0, partition=0.
Tape block size 0 bytes. Density code 0x0 (default)."
for f in 1 2 3; do
	dd if=/dev/zero of="$N" bs=512 count=2 2>/dev/null
done
is "three files written" "File number=3, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
expect "rewind" 0 mt -f "$N" rewind
is "at BOT again" "File number=0, block number=0, partition=0.  BOT ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" fsr 2
is "fsr 2" "File number=0, block number=2, partition=0.  ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" bsr 1
is "bsr 1" "File number=0, block number=1, partition=0.  ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" fsf 2
is "fsf 2" "File number=2, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" bsf 1
is "bsf 1: before the mark" "File number=1, block number=-1, partition=0.  ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" rewind
mt -f "$N" eod
is "eod" "File number=3, block number=-1, partition=0.  EOD ONLINE IM_REP_EN" "$(st "$N")"
expect "tell at eod" 0 mt -f "$N" tell
is "tell counts records and marks" "At block 9." "$OUT"
mt -f "$N" seek 4
expect "tell after seek 4" 0 mt -f "$N" tell
is "seek 4" "At block 4." "$OUT"
is "seek leaves the file unknown" "File number=-1, block number=-1, partition=0.  ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" rewind
mt -f "$N" eod
expect "weof 2" 0 mt -f "$N" weof 2
is "weof 2 at eod" "File number=5, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
expect "setblk 512" 0 mt -f "$N" setblk 512
OUT=$(mt -f "$N" status)
has "block size in mt_dsreg" "Tape block size 512 bytes."
mt -f "$N" setblk 0
expect "offline" 0 mt -f "$N" offline
OUT=$(mt -f "$N" status)
has "no tape: DR_OPEN" "DR_OPEN"
expect "ENOMEDIUM for a blocking open" 1 dd if="$N" of=/dev/null
has "No medium found" "No medium found"
expect "load" 0 mt -f "$N" load
is "loaded at BOT" "File number=0, block number=0, partition=0.  BOT ONLINE IM_REP_EN" "$(st "$N")"

## dd: one record per write, read back with a larger buffer
mt -f "$N" rewind
sizes="1 512 10240 65536 262144 1048576"
for s in $sizes; do
	head -c $s /dev/urandom >"$TMP/rec.$s"
	dd if="$TMP/rec.$s" of="$N" bs=$s 2>/dev/null || fail "dd write $s"
done
is "one file per dd" "File number=6, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" rewind
for s in $sizes; do
	# dd reads to the filemark: one record, then 0
	OUT=$(dd if="$N" of="$TMP/back" bs=2M 2>&1)
	has "$s: one record read" "0+1 records in"
	cmp -s "$TMP/rec.$s" "$TMP/back" && pass "$s bytes back exactly" ||
	    fail "$s: read back $(stat -c %s "$TMP/back") bytes, differing"
done
mt -f "$N" rewind
mt -f "$N" fsf 2
expect "smaller buffer" 1 dd if="$N" of=/dev/null bs=512
has "ENOMEM" "Cannot allocate memory"
is "the record is consumed" "File number=2, block number=1, partition=0.  ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" eod
head -c 2097152 /dev/urandom >"$TMP/rec.2M"
expect "2 MiB write" 1 dd if="$TMP/rec.2M" of="$N" bs=2M
has "EINVAL, not split" "Invalid argument"
is "nothing written" "File number=6, block number=-1, partition=0.  EOD ONLINE IM_REP_EN" "$(st "$N")"
# perl's buffer is not on a page boundary: the kernel passes 1 MiB in two
# parts, which go as one record
expect "1 MiB from an unaligned buffer" 0 perl -e '
	open(my $f, "<", $ARGV[0]) or die; binmode $f; local $/; my $d = <$f>;
	open(my $t, ">", $ARGV[1]) or die "$ARGV[1]: $!";
	my $n = syswrite($t, $d); die "write: $!" unless defined $n;
	die "short write $n" unless $n == length $d;
	close($t) or die "close: $!"' "$TMP/rec.1048576" "$N"
mt -f "$N" bsf 1
mt -f "$N" bsr 1
expect "1 MiB read with a larger buffer" 0 dd if="$N" of="$TMP/back" bs=3M count=1
cmp -s "$TMP/rec.1048576" "$TMP/back" && pass "1 MiB record whole" ||
    fail "1 MiB record: $(stat -c %s "$TMP/back") bytes back"

## GNU tar: several archives on one tape, -b 20 and -b 512
mkdir -p "$TMP/src/a/b" "$TMP/src2" "$TMP/out1" "$TMP/out2"
head -c 300000 /dev/urandom >"$TMP/src/a/big"
echo hello >"$TMP/src/a/b/small"
ln -s big "$TMP/src/a/link"
for i in 1 2 3; do head -c 700000 /dev/urandom >"$TMP/src2/f$i"; done
mt -f "$N" rewind
expect "tar -b 20 create" 0 tar -b 20 -cf "$N" -C "$TMP/src" .
expect "tar -b 512 create" 0 tar -b 512 -cf "$N" -C "$TMP/src2" .
is "two archives, two filemarks" "File number=2, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" rewind
expect "mt fsf 1" 0 mt -f "$N" fsf 1
expect "tar -b 512 extract the second" 0 tar -b 512 -xf "$N" -C "$TMP/out2"
diff -r "$TMP/src2" "$TMP/out2" >/dev/null && pass "second archive byte for byte" ||
    fail "second archive differs"
mt -f "$N" rewind
expect "tar -b 20 list" 0 tar -b 20 -tf "$N"
has "list names the link" "./a/link"
mt -f "$N" rewind
expect "tar -b 20 extract the first" 0 tar -b 20 -xf "$N" -C "$TMP/out1"
diff -r "$TMP/src" "$TMP/out1" >/dev/null && [ -L "$TMP/out1/a/link" ] &&
    pass "first archive byte for byte" || fail "first archive differs"
# back to back on the rewinding node: the release is done before the open
ok=0
for i in 1 2 3; do
	tar -cf "$MNT/vtape0" -C "$TMP/src" . && tar -tf "$MNT/vtape0" >/dev/null &&
	    ok=$((ok + 1))
done
is "tar cf; tar tf back to back, no EBUSY" 3 $ok
is "the rewinding node rewound" "File number=0, block number=0, partition=0.  BOT ONLINE IM_REP_EN" "$(st "$N")"

## tar -M: end of medium on a 1 MiB cartridge, continued on the next
cat >"$TMP/newvol.sh" <<EOF
#!/bin/sh
# cartridge \$TAR_VOLUME into the drive: unload, swap the file, load
mt -f "$MNT/nsmall" offline || exit 1
mv "$TMP/small.tap" "$TMP/vol\$((TAR_VOLUME - 1)).tap"
if [ -f "$TMP/vol\$TAR_VOLUME.tap" ]; then
	mv "$TMP/vol\$TAR_VOLUME.tap" "$TMP/small.tap"
fi
mt -f "$MNT/nsmall" load
EOF
chmod +x "$TMP/newvol.sh"
mkdir "$TMP/src3" "$TMP/out3"
for i in 1 2 3 4; do head -c 400000 /dev/urandom >"$TMP/src3/f$i"; done
expect "tar -M create" 0 tar -M -F "$TMP/newvol.sh" -b 20 -cf "$MNT/small" -C "$TMP/src3" .
nvol=$(($(ls "$TMP" | grep -c '^vol[0-9]*\.tap$') + 1))
[ $nvol -ge 2 ] && pass "continued on cartridge $nvol" ||
    fail "one cartridge only: $(ls "$TMP"/*.tap)"
# cartridge 1 back in the drive
mt -f "$MNT/nsmall" offline
mv "$TMP/small.tap" "$TMP/vol$nvol.tap"
mv "$TMP/vol1.tap" "$TMP/small.tap"
mt -f "$MNT/nsmall" load
expect "tar -M extract" 0 tar -M -F "$TMP/newvol.sh" -b 20 -xf "$MNT/small" -C "$TMP/out3"
diff -r "$TMP/src3" "$TMP/out3" >/dev/null && pass "multi-volume byte for byte" ||
    fail "multi-volume archive differs"

## cpio
mkdir "$TMP/out4"
mt -f "$N" rewind
expect "cpio -o" 0 sh -c "cd '$TMP/src' && find . | cpio -o -H newc --io-size=10240 -F '$N'"
mt -f "$N" rewind
expect "cpio -i" 0 sh -c "cd '$TMP/out4' && cpio -i -d --io-size=10240 -F '$N'"
diff -r "$TMP/src" "$TMP/out4" >/dev/null && pass "cpio byte for byte" ||
    fail "cpio tree differs"

## dump -0 of an ext2 image, restore -t and -r
mke2fs -q -F -t ext2 -d "$TMP/src" "$TMP/fs.img" 4M >/dev/null 2>&1
if LOOP=$(losetup -f --show "$TMP/fs.img" 2>/dev/null); then
	mt -f "$N" rewind
	expect "dump -0" 0 dump -0 -f "$MNT/vtape0" "$LOOP"
	has "dump done" "DUMP IS DONE"
	expect "restore -t" 0 restore -t -f "$MNT/vtape0"
	has "restore lists a file" "./a/b/small"
	mkdir "$TMP/out5"
	expect "restore -r" 0 sh -c "cd '$TMP/out5' && restore -r -f '$MNT/vtape0'"
	diff -r -x lost+found -x restoresymtable "$TMP/src" "$TMP/out5" \
	    >/dev/null && pass "restore byte for byte" || fail "restored tree differs"
elif [ -n "$CI" ]; then
	fail "dump/restore: no loop device for the ext2 image (losetup -f)"
else
	echo "SKIP dump/restore: no loop device for the ext2 image"
fi

## mbuffer --tapeaware: to the very end of the medium
head -c 2000000 /dev/urandom >"$TMP/mb.in"
mt -f "$MNT/nsmall" rewind
mbuffer -q --tapeaware -A /bin/false -f -s 10240 -o "$MNT/nsmall" \
    <"$TMP/mb.in" >/dev/null 2>&1
mt -f "$MNT/nsmall" rewind
dd if="$MNT/nsmall" of="$TMP/mb.out" bs=20480 2>/dev/null
got=$(stat -c %s "$TMP/mb.out")
[ "$got" -gt $((1048576 - 262144 + 10240)) ] &&
    pass "mbuffer wrote past early warning ($got bytes)" ||
    fail "mbuffer stopped at $got bytes"
cmp -s -n "$got" "$TMP/mb.in" "$TMP/mb.out" && pass "mbuffer's records in order" ||
    fail "mbuffer's data differs"

## kill -9 mid-write: every record written, then a filemark
head -c 1048576 /dev/urandom >"$TMP/k.in"
mkfifo "$TMP/fifo"
mt -f "$N" rewind
dd of="$N" bs=10240 iflag=fullblock <"$TMP/fifo" 2>/dev/null &
DD=$!
exec 4>"$TMP/fifo"
cat "$TMP/k.in" >&4
# 102 whole records of 10240 bytes, framed, in the cartridge file
for i in $(seq 1 1500); do
	[ "$(stat -c %s "$TMP/vtape0.tap")" -eq $((102 * 10248)) ] && break
	sleep 0.02
done
{ kill -9 $DD; wait $DD; } 2>/dev/null
exec 4>&-
is "killed writer: filemark after" "File number=1, block number=0, partition=0.  EOF ONLINE IM_REP_EN" "$(st "$N")"
mt -f "$N" rewind
dd if="$N" of="$TMP/k.out" bs=20480 2>/dev/null
is "every record it wrote" $((102 * 10240)) "$(stat -c %s "$TMP/k.out")"
cmp -s -n $((102 * 10240)) "$TMP/k.in" "$TMP/k.out" && pass "killed writer's data" ||
    fail "killed writer's data differs"

## EBUSY, EROFS, a write error done behind
exec 3<"$N"
expect "second opener" 1 dd if="$N" of=/dev/null count=1
has "EBUSY" "Device or resource busy"
expect "another client too" 2 "$BIN/tclient" -f vtape0 status
has "EBUSY at the server" "Device or resource busy"
exec 3<&-
expect "free again" 0 mt -f "$N" status
expect "write-protected" 1 dd if=/dev/zero of="$MNT/ro0" count=1
has "EROFS" "Read-only file system"
OUT=$(mt -f "$MNT/ro0" status)
has "WR_PROT" "WR_PROT"
expect "read-only open of it" 0 mt -f "$MNT/ro0" rewind
# writes done behind: the drive fails the 3rd of 3 after dd's write(2)
# returned; close(2) reports it.  The 5th of 50 fails: a later write does.
expect "write error at close" 1 dd if=/dev/zero of="$MNT/nbad0" bs=10240 count=3
has "EIO from close(2)" "closing output file"
has "EIO at close" "Input/output error"
expect "write error at a later write" 1 dd if=/dev/zero of="$MNT/nbad1" bs=10240 count=50
has "EIO from write(2)" "error writing"
has "EIO at write" "Input/output error"

expect "null0 takes 1 MiB records" 0 dd if=/dev/zero of="$MNT/null0" bs=1M count=20

## unmount; the nodes again, in the background (syslog)
expect "unmount" 0 "$TT" unmount "$MNT"
wait $TPID
rc=$?
is "tctape -f exits 0 at unmount" 0 $rc
mountpoint -q "$MNT" && fail "still mounted" || pass "unmounted"
mkdir "$TMP/mnt2"
expect "mount in the background" 0 "$TT" mount "$TMP/mnt2"
expect "node usable at once" 0 mt -f "$TMP/mnt2/nvtape0" status
has "where the tape was left" "File number=1, block number=0"
expect "unmount the second" 0 "$TT" unmount "$TMP/mnt2"
mountpoint -q "$TMP/mnt2" && fail "second still mounted" || pass "second unmounted"
finish
