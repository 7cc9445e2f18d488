# e2e_st.sh -- tclientd's st backend against real mtio ioctls: client ->
# tclientd A [st backend -> a tctape node] -> tctape -> tclientd B [vtape].
# The same commands run on a vtape of B directly and through A's st drive
# must give the same transcript: records, sizes, filemarks, positions,
# status bits and errno.
. "$(dirname "$0")/lib.sh"
T="$BIN/tclient"
M=$TMP/m
MOUNTED=""

unmount() {
	"$BIN/tctape" unmount "$1" >/dev/null 2>&1 ||
	    fusermount3 -u -z "$1" 2>/dev/null
}
# outermost first: the mount of A, A (which holds nodes of B's mount),
# the mount of B, B
st_cleanup() {
	[ -n "${M2:-}" ] && unmount "$M2"
	if [ -n "${APID:-}" ] && kill "$APID" 2>/dev/null; then
		for i in $(seq 1 1000); do
			kill -0 "$APID" 2>/dev/null || break
			sleep 0.01
		done
		kill -9 "$APID" 2>/dev/null
		wait "$APID" 2>/dev/null
	fi
	[ -n "$MOUNTED" ] && unmount "$M"
	cleanup
}
trap st_cleanup EXIT
trap "exit 1" INT TERM HUP

if [ ! -x "$BIN/tctape" ] || [ ! -c /dev/fuse ]; then
	echo "SKIP: no tctape or no /dev/fuse"
	fail "tctape and /dev/fuse are needed"
	finish
	exit 1
fi

# one PKI for both daemons and the clients
start_daemon "$TMP/pki" || { fail "pki"; finish; exit 1; }
stop_daemon
H=$TMP/pki
head_conf() {
	printf 'ca %s/ca.pem\ncertificate %s/server.pem\nkey %s/server.key\n' \
	    "$H" "$H" "$H"
}
vtape() {	# NAME [OPTION...]
	local n=$1
	shift
	printf 'drive %s {\n\tbackend vtape\n\tpath %s/%s.tap\n' "$n" "$TMP" "$n"
	for o in "$@"; do printf '\t%s\n' "$o"; done
	printf '\tallow local-client read-write\n}\n'
}
st() {		# NAME NODE [OPTION...]
	local n=$1 node=$2
	shift 2
	printf 'drive %s {\n\tbackend st\n\tpath %s\n' "$n" "$node"
	for o in "$@"; do printf '\t%s\n' "$o"; done
	printf '\tallow local-client read-write\n}\n'
}

# B: a vtape behind A's st drive and its twin used directly
{ head_conf
  vtape tape; vtape ref
  vtape wp "write-protect yes"; vtape wpref "write-protect yes"
  vtape small "capacity 1M" "early-warning 256K"
  vtape smallref "capacity 1M" "early-warning 256K"
} >"$TMP/b.conf"
cp -r "$H" "$TMP/b"
start_daemon "$TMP/b" "$TMP/b.conf" || { fail "daemon B"; finish; exit 1; }
PB=$PORT
mkdir "$M"
expect "tctape mount of B" 0 env TCLIENT_HOME="$H" "$BIN/tctape" \
    -s 127.0.0.1:$PB mount "$M"
MOUNTED=$M
[ -f "$M/ntape" ] && pass "node ntape" || { fail "no node $M/ntape"; finish; exit 1; }

# A: st drives on B's nodes
{ head_conf
  st st0 "$M/ntape"
  st stwp "$M/nwp"
  st stsmall "$M/nsmall"
  st stlim "$M/ntape" "block-limits 1 1000"
  st stgone "$M/nnothing"
} >"$TMP/a.conf"
expect "config with st drives" 0 "$BIN/tclientd" -n -f "$TMP/a.conf"
has "configuration OK" "configuration OK"
cp -r "$H" "$TMP/a"
start_daemon "$TMP/a" "$TMP/a.conf" || { fail "daemon A"; finish; exit 1; }
APID=$DPID
PA=$PORT
export TCLIENT_HOME=$H
A="-s 127.0.0.1:$PA"
B="-s 127.0.0.1:$PB"

expect "drives of A" 0 "$T" $A drives
has "st0 listed" "st0              st       read-write"

# The transcript of a tclient command: exit code, output, drive named X.
tr_run() {	# LOG SERVER DRIVE ARGS...
	local log=$1 srv=$2 drv=$3 rc
	shift 3
	out=$("$T" $srv -f "$drv" "$@" 2>&1)
	rc=$?
	printf '$ %s -> %d\n%s\n' "$*" "$rc" "$out" |
	    sed "s/\b$drv\b/X/g" >>"$log"
}
tr_write() {	# LOG SERVER DRIVE BYTES SEED
	head -c "$4" /dev/urandom >"$TMP/rec.$5" 2>/dev/null
	[ -s "$TMP/rec.$5.keep" ] || cp "$TMP/rec.$5" "$TMP/rec.$5.keep"
	tr_run "$1" "$2" "$3" -v write -b "$4" <"$TMP/rec.$5.keep"
}
tr_read() {	# LOG SERVER DRIVE BYTES
	local log=$1 srv=$2 drv=$3 rc
	"$T" $srv -v -f "$drv" read -b "$4" >"$TMP/got" 2>"$TMP/err"
	rc=$?
	printf '$ read -b %s -> %d %s\n%s\n' "$4" "$rc" \
	    "$(md5sum <"$TMP/got" | cut -c1-32)" "$(cat "$TMP/err")" |
	    sed "s/\b$drv\b/X/g" >>"$log"
}

# The acceptance script: dd's record sizes, filemarks, spacing, positions,
# fixed blocks, end of data, offline and load.
script() {	# LOG SERVER DRIVE
	local l=$1 s=$2 d=$3 n i
	tr_run $l "$s" $d status
	i=0
	for n in 1 512 10240 65536 262144 1048576; do
		i=$((i + 1))
		tr_write $l "$s" $d $n $i
	done
	tr_run $l "$s" $d status
	tr_run $l "$s" $d tell
	tr_run $l "$s" $d rewind
	for n in 1 512 10240 65536 262144 1048576; do
		tr_read $l "$s" $d $((n * 2))
		tr_run $l "$s" $d status
	done
	tr_read $l "$s" $d 1024		# end of data: 0, then EIO
	tr_read $l "$s" $d 1024
	tr_run $l "$s" $d status
	tr_run $l "$s" $d rewind
	tr_run $l "$s" $d fsf 2
	tr_read $l "$s" $d 100		# a 10240-byte record: ENOMEM
	tr_run $l "$s" $d status
	tr_run $l "$s" $d bsf 1
	tr_run $l "$s" $d status
	tr_run $l "$s" $d bsr 1
	tr_run $l "$s" $d fsr 1
	tr_run $l "$s" $d fsr 1		# over the filemark: EIO
	tr_run $l "$s" $d status
	tr_run $l "$s" $d bsfm 2
	tr_run $l "$s" $d status
	tr_run $l "$s" $d fsfm 1
	tr_run $l "$s" $d status
	tr_run $l "$s" $d eod
	tr_run $l "$s" $d status
	tr_run $l "$s" $d tell
	tr_run $l "$s" $d seek 4
	tr_run $l "$s" $d status
	tr_read $l "$s" $d 1048576
	tr_run $l "$s" $d fsf 9		# past the end: EIO
	tr_run $l "$s" $d status
	tr_run $l "$s" $d eod
	tr_run $l "$s" $d weof 2
	tr_run $l "$s" $d status
	tr_run $l "$s" $d setblk 512
	tr_write $l "$s" $d 4096 7
	tr_run $l "$s" $d status
	tr_run $l "$s" $d bsf 1
	tr_run $l "$s" $d bsr 3
	tr_run $l "$s" $d status
	tr_read $l "$s" $d 1024
	tr_run $l "$s" $d status
	tr_run $l "$s" $d setblk 0
	tr_run $l "$s" $d setdensity 0x44
	tr_run $l "$s" $d status
	tr_run $l "$s" $d fss 1		# no setmarks on a vtape: EIO
	tr_run $l "$s" $d drvbuffer 0x10000001
	tr_run $l "$s" $d offline
	tr_run $l "$s" $d status
	tr_read $l "$s" $d 1024		# ENOMEDIUM
	tr_run $l "$s" $d rewind
	tr_run $l "$s" $d load
	tr_run $l "$s" $d status
	tr_run $l "$s" $d fsf 1
	tr_run $l "$s" $d tell
}

script "$TMP/direct.tr" "$B" ref
script "$TMP/st.tr" "$A" st0
if diff -u "$TMP/direct.tr" "$TMP/st.tr" >"$TMP/tr.diff"; then
	pass "st drive's transcript equals the vtape's ($(grep -c '^\$' "$TMP/st.tr") commands)"
else
	fail "transcripts differ:"
	sed 's/^/    /' "$TMP/tr.diff"
fi
echo "transcript through the st drive:"
sed 's/^/    /' "$TMP/st.tr"
# the transcript says what it should, not only the same thing twice
OUT=$(cat "$TMP/st.tr")
has "1-byte record read back" '$ read -b 2 -> 0'
has "1 MiB record whole" "read 1 record(s), 1048576 bytes"
has "ENOMEM for a short buffer" "X: read: Cannot allocate memory"
has "EIO at end of data" "X: read: Input/output error"
has "ENOMEDIUM after offline" "X: read: No medium found"
has "six files, BOT status" "File number=6, block number=0"
has "fixed blocks" "Tape block size 512 bytes"
has "density code" "Density code 0x44"
has "DR_OPEN after offline" "DR_OPEN"
[ "$(grep -c 'At block' "$TMP/st.tr")" -ge 3 ] && pass "tell answers" ||
    fail "tell missing"

# write protection: EROFS at the open for writing, WR_PROT in the status
: >"$TMP/wp.direct"; : >"$TMP/wp.st"
for p in "direct $B wpref" "st $A stwp"; do
	set -- $p
	tr_write "$TMP/wp.$1" "$2 $3" "$4" 100 8
	tr_run "$TMP/wp.$1" "$2 $3" "$4" weof
	tr_run "$TMP/wp.$1" "$2 $3" "$4" status
	# the errno is mapped for the client's platform as from any drive
	tr_run "$TMP/wp.$1" "$2 $3 --platform aix-ppc64" "$4" write </dev/null
	tr_run "$TMP/wp.$1" "$2 $3 --platform solaris-amd64" "$4" write </dev/null
done
cmp -s "$TMP/wp.direct" "$TMP/wp.st" && pass "write-protected: same transcript" ||
    { fail "write-protected transcripts differ"; diff "$TMP/wp.direct" "$TMP/wp.st" | sed 's/^/    /'; }
OUT=$(cat "$TMP/wp.st")
has "EROFS" "Read-only file system"
has "AIX: EWRPROTECT" "X: write: EWRPROTECT (47 on aix-ppc64)"
has "Solaris: EACCES" "X: write: EACCES (13 on solaris-amd64)"
has "WR_PROT" "WR_PROT"

# early warning: the write that enters it completes, then ENOSPC
: >"$TMP/ew.direct"; : >"$TMP/ew.st"
head -c 900000 /dev/urandom >"$TMP/ew.data"
for p in "direct $B smallref" "st $A stsmall"; do
	set -- $p
	TCLIENT_WINDOW=131072 tr_run "$TMP/ew.$1" "$2 $3" "$4" -v write \
	    -b 65536 <"$TMP/ew.data"
	tr_run "$TMP/ew.$1" "$2 $3" "$4" status
	tr_run "$TMP/ew.$1" "$2 $3" "$4" rewind
	tr_read "$TMP/ew.$1" "$2 $3" "$4" 65536
done
cmp -s "$TMP/ew.direct" "$TMP/ew.st" && pass "early warning: same transcript" ||
    { fail "early-warning transcripts differ"; diff "$TMP/ew.direct" "$TMP/ew.st" | sed 's/^/    /'; }
OUT=$(cat "$TMP/ew.st")
has "ENOSPC" "No space left on device"
has "13 records before early warning" "wrote 13 record(s), 851968 bytes"
has "all 13 read back" "read 13 record(s), 851968 bytes"

# block limits: the drive does not tell through a FUSE node, so
# block-limits does; tclient read's default buffer is the largest block
"$T" $A -f st0 rewind
head -c 2000 /dev/urandom >"$TMP/r2000"
"$T" $A -f st0 write -b 2000 <"$TMP/r2000"
"$T" $A -f st0 bsf 1
"$T" $A -f st0 bsr 1
expect "read past block-limits MAX" 2 "$T" $A -f stlim read
has "ENOMEM at 1000 bytes" "Cannot allocate memory"
"$T" $A -f st0 bsr 1
expect "read within the unknown limits" 0 sh -c "'$T' $A -f st0 read >'$TMP/got'"
cmp -s "$TMP/got" "$TMP/r2000" && pass "2000-byte record read whole" ||
    fail "2000-byte record differs"
grep -q "ntape: no READ BLOCK LIMITS; block limits 1-1000 from the configuration" \
    "$TMP/a.log" && pass "configured limits logged" || fail "no block-limits log line"

# the node is the client's open: busy while held, missing passes through
exec 3<"$M/ntape"
expect "node held elsewhere" 2 "$T" $A -f st0 status
has "EBUSY" "Device or resource busy"
exec 3<&-
expect "node free again" 0 "$T" $A -f st0 status
expect "missing node" 2 "$T" $A -f stgone status
has "ENOENT" "No such file or directory"

# mt-st and dd on both sides: a tctape mount of A too, so that the st
# drive is driven by real programs through real ioctls at both ends
mkdir "$TMP/m2"
M2=$TMP/m2
expect "tctape mount of A" 0 "$BIN/tctape" $A mount "$M2"
[ -f "$M2/nst0" ] && pass "node nst0 on A" || fail "no node $M2/nst0"

mt_run() {	# LOG NODE ARGS...
	local log=$1 node=$2 out rc
	shift 2
	out=$(mt -f "$node" "$@" 2>&1)
	rc=$?
	printf '$ mt %s -> %d\n%s\n' "$*" "$rc" "$out" |
	    sed "s|$node|NODE|g" >>"$log"
}
dd_run() {	# LOG NODE dd-ARGS... (if= or of= the node is added)
	local log=$1 node=$2 dir=$3 out rc
	shift 3
	out=$(dd "$dir=$node" status=noxfer "$@" 2>&1 </dev/null >"$TMP/dd.out")
	rc=$?
	[ "$dir" = of ] && out=$(dd "$dir=$node" status=noxfer "$@" 2>&1 \
	    <"$TMP/dd.in" >/dev/null; echo "rc $?")
	printf '$ dd %s %s -> %s %s\n%s\n' "$dir" "$*" "$rc" \
	    "$(md5sum <"$TMP/dd.out" | cut -c1-32)" "$out" |
	    sed "s|$node|NODE|g" >>"$log"
	: >"$TMP/dd.out"
}
mtscript() {	# LOG NONREWINDING REWINDING
	local l=$1 n=$2 r=$3 bs
	mt_run $l $n rewind
	mt_run $l $n status
	for bs in 1 512 10240 65536 262144 1048576; do
		head -c $bs "$TMP/big.data" >"$TMP/dd.in"
		dd_run $l $n of bs=$bs count=1
	done
	mt_run $l $n status
	mt_run $l $n tell
	mt_run $l $n rewind
	for bs in 1 512 10240 65536 262144 1048576; do
		dd_run $l $n if bs=$((bs * 2))
	done
	dd_run $l $n if bs=1024		# end of data
	mt_run $l $n status
	mt_run $l $n rewind
	mt_run $l $n fsf 1
	dd_run $l $n if bs=100 count=1	# ENOMEM
	mt_run $l $n status
	mt_run $l $n bsf 1
	mt_run $l $n status
	mt_run $l $n fsr 1
	mt_run $l $n bsr 1
	mt_run $l $n fsr 2		# EIO at the filemark
	mt_run $l $n status
	mt_run $l $n eod
	mt_run $l $n status
	mt_run $l $n seek 4
	mt_run $l $n tell
	dd_run $l $n if bs=1M count=1
	mt_run $l $n eod
	mt_run $l $n weof 1
	mt_run $l $n setblk 512
	head -c 4096 "$TMP/big.data" >"$TMP/dd.in"
	dd_run $l $n of bs=1024
	mt_run $l $n status
	mt_run $l $n bsr 2
	dd_run $l $n if bs=512 count=1
	mt_run $l $n status
	mt_run $l $n setblk 0
	# the rewinding node writes its filemark, then rewinds (tar, not
	# dd: dd's dup2 and close of its descriptor is a close to tctape)
	mt_run $l $n eod
	tar -b 6 -cf "$r" -C "$TMP" big.data >>$l 2>&1
	echo "tar -> $?" >>$l
	mt_run $l $n status
	mt_run $l $n eod
	mt_run $l $n tell
	mt_run $l $n offline
	mt_run $l $n status
	dd_run $l $n if bs=512		# ENOMEDIUM
	mt_run $l $n load
	mt_run $l $n status
}
: >"$TMP/mt.direct"; : >"$TMP/mt.st"
head -c 1048576 /dev/urandom >"$TMP/big.data"
mtscript "$TMP/mt.direct" "$M/nref" "$M/ref"
mtscript "$TMP/mt.st" "$M2/nst0" "$M2/st0"
if diff -u "$TMP/mt.direct" "$TMP/mt.st" >"$TMP/mt.diff"; then
	pass "mt and dd: same transcript ($(grep -c '^\$' "$TMP/mt.st") commands)"
else
	fail "mt and dd transcripts differ:"
	sed 's/^/    /' "$TMP/mt.diff"
fi
echo "mt and dd through the st drive:"
sed 's/^/    /' "$TMP/mt.st"

OUT=$(cat "$TMP/mt.st")
has "dd: six files" "File number=6, block number=0"
has "dd: ENOMEM for a short buffer" "dd: error reading 'NODE': Cannot allocate memory"
has "dd: ENOMEDIUM after offline" "dd: failed to open 'NODE': No medium found"
has "1 MiB record read back whole" "$ dd if bs=2097152 -> 0 $(md5sum <"$TMP/big.data" | cut -c1-32)"
grep -A7 "^tar -> 0" "$TMP/mt.st" | grep -q "BOT ONLINE" &&
    pass "rewinding node: at BOT after the close" ||
    fail "rewinding node did not rewind"

# tscan sees the same tape, drive and limits through the st drive
if [ -x "$BIN/tscan" ]; then
	"$BIN/tscan" $B --rewind -f ref 2>&1 | sed 's/\bref\b/X/g' >"$TMP/tscan.direct"
	"$BIN/tscan" $A --rewind -f st0 2>&1 | sed 's/\bst0\b/X/g' >"$TMP/tscan.st"
	cmp -s "$TMP/tscan.direct" "$TMP/tscan.st" && pass "tscan: same report" ||
	    { fail "tscan reports differ"; diff "$TMP/tscan.direct" "$TMP/tscan.st" | sed 's/^/    /'; }
	OUT=$(cat "$TMP/tscan.st")
	printf '%s\n' "$OUT" | sed 's/^/    /'
	has "tscan: block limits" "1 to 16777215 bytes"
fi

# kill -9 mid-write: every record written is on the tape, then a filemark
mt -f "$M2/nst0" eod
before=$(mt -f "$M2/nst0" tell | tr -dc 0-9)
mkfifo "$TMP/fifo"
dd if="$TMP/fifo" of="$M2/nst0" bs=10240 iflag=fullblock status=none &
DD=$!
exec 5>"$TMP/fifo"
head -c 30720 /dev/zero >&5
for i in $(seq 1 1000); do
	[ "$(sed -n 's/^syscw: //p' /proc/$DD/io 2>/dev/null)" -ge 3 ] 2>/dev/null &&
	    break
	sleep 0.01
done
kill -9 $DD
wait $DD 2>/dev/null
exec 5>&-
expect "status after kill -9" 0 mt -f "$M2/nst0" status
has "a filemark closes the file" "block number=0"
after=$(mt -f "$M2/nst0" tell | tr -dc 0-9)
[ "$((after - before))" -eq 4 ] && pass "three records and a filemark after kill -9" ||
    fail "kill -9: $before -> $after, wanted 3 records and a filemark"
mt -f "$M2/nst0" bsf 1
mt -f "$M2/nst0" bsr 1
expect "last record read back" 0 sh -c "dd if='$M2/nst0' bs=20480 count=1 status=none | wc -c"
[ "$OUT" = 10240 ] && pass "10240 bytes" || fail "read $OUT bytes"

finish
