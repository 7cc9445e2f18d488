# e2e_tscan.sh -- tscan against a real tclientd: tapes written with tclient
# in known layouts, scanned from several starting points; exact counts and
# sizes in text and JSON, the drive put back (position and block size) as
# tclient status shows it, limits, platforms, interrupts, bad arguments.
. "$(dirname "$0")/lib.sh"

T="$BIN/tclient"
S="$BIN/tscan"

# where -- "file F block B size Z at A" from tclient status and tell
DRV=vtape0
where() {
	"$T" -f $DRV status | sed -n \
	    -e 's/^File number=\(-*[0-9]*\), block number=\(-*[0-9]*\),.*/file \1 block \2/p' \
	    -e 's/^Tape block size \([0-9]*\) bytes.*/size \1/p' | tr '\n' ' '
	"$T" -f $DRV tell | sed -n 's/^At block \([0-9]*\)\./at \1/p'
}

# same_place NAME BEFORE -- the drive is where BEFORE says
same_place() {
	local now
	now=$(where)
	[ "$now" = "$2" ] && pass "$1: drive put back ($now)" ||
	    fail "$1: drive at \"$now\", was \"$2\""
}

# start_at WANT -- the drive is at WANT (as where says); sets $before
start_at() {
	before=$(where)
	[ "$before" = "$1" ] && pass "starting at $1" ||
	    fail "starting at \"$before\", not \"$1\""
}

# scan_json NAME WANT-EXIT ARGS... -- tscan --json; stdout in $J, stderr in
# $E; the JSON must parse
scan_json() {
	local name=$1 want=$2 rc
	shift 2
	J=$("$S" --json "$@" 2>"$TMP/err")
	rc=$?
	E=$(cat "$TMP/err")
	[ "$rc" -eq "$want" ] && pass "$name: exit $rc" ||
	    { fail "$name: exit $rc, wanted $want"; printf '%s\n' "$E" | sed 's/^/    /'; }
	printf '%s\n' "$J" | jq -e . >/dev/null 2>&1 && pass "$name: valid JSON" ||
	    { fail "$name: not JSON:"; printf '%s\n' "$J" | sed 's/^/    /'; }
}

# jtrue NAME FILTER -- the jq FILTER is true of $J
jtrue() {
	if printf '%s\n' "$J" | jq -e "$2" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1: not true: $2; JSON:"
		printf '%s\n' "$J" | jq -c . 2>/dev/null | sed 's/^/    /'
	fi
}

start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }

# --- usage ------------------------------------------------------------
expect "--help" 0 "$S" --help
has "usage" "usage: tscan"
expect "--version" 0 "$S" --version
has "version" "tscan 0."
expect "no drive" 1 "$S"
has "no drive: what to do" "give -f DRIVE"
expect "unknown option" 1 "$S" -f vtape0 --frobnicate
has "usage on a bad option" "usage: tscan"
expect "--files 0" 1 "$S" -f vtape0 --files 0
has "--files 0 named" "--files 0: too small (1 or more)"
expect "--records abc" 1 "$S" -f vtape0 --records abc
has "--records abc named" "--records abc: not a number"
expect "--files missing number" 1 "$S" -f vtape0 --files
expect "stray argument" 1 "$S" -f vtape0 extra
has "stray argument named" "unexpected argument \"extra\""
expect "bad drive name" 1 "$S" -f /dev/nst0
has "bad drive name named" "\"/dev/nst0\" is not a drive name"
expect "bad platform" 1 "$S" -f vtape0 --platform nonsense
has "bad platform named" "nonsense"
expect "unknown drive" 2 "$S" -f vtape9
has "unknown drive: what to do" "tclient drives"

# --- a tape of known layout ------------------------------------------
#  file 0: 8 x 512                         (fixed 512)
#  file 1: 9 x 512, 1 x 392                (fixed 512, last shorter)
#  file 2: 3 x 1000, 2 x 777, 446, 1      (variable)
#  file 3: empty (two filemarks in a row)
#  file 4: 60, 40 and no filemark at the end
# Block addresses: file 0 at 0-7, mark 8; file 1 at 9-18, mark 19; file 2
# at 20-26, mark 27; mark 28; file 4 at 29-30; end of data at 31.
"$T" -f vtape0 setblk 0
"$T" -f vtape0 rewind
head -c 4096 /dev/urandom | "$T" -f vtape0 write -b 512
head -c 5000 /dev/urandom | "$T" -f vtape0 write -b 512
head -c 3000 /dev/urandom | "$T" -f vtape0 write -b 1000
"$T" -f vtape0 bsf 1
head -c 2000 /dev/urandom | "$T" -f vtape0 write -b 777
"$T" -f vtape0 bsf 1
printf x | "$T" -f vtape0 write
"$T" -f vtape0 weof 1
head -c 100 /dev/urandom | "$T" -f vtape0 write -b 60
"$T" -f vtape0 bsf 1
"$T" -f vtape0 erase
expect "tape ends at 31" 0 "$T" -f vtape0 tell
has "end of data at 31" "At block 31."
TAPE_SUM=$(md5sum <"$TMP/home/vtape0.tap")

# from the beginning
"$T" -f vtape0 rewind
start_at "file 0 block 0 size 0 at 0"
expect "scan from BOT" 0 "$S" -f vtape0
has "drive line" "drive         vtape0"
has "variable mode" "block mode    variable (block size 0); MTSETBLK 0 on linux-x86_64"
has "block limits" "block limits  1 to 16777215 bytes"
has "density" "density       0x00 (default)"
has "compression" "compression   off"
has "started at" "started at    file 0, record 0, block address 0"
has "file table" "file  records  bytes  min   max  layout
   0        8   4096  512   512  fixed 512
   1       10   5000  392   512  fixed 512, last 392
   2        7   5001    1  1000  variable
   3        0      0    -     -  empty
   4        2    100   40    60  fixed 60, last 40 (no filemark)
end of data"
has "sizes" "file 0  512 x8
file 1  512 x9, 392 x1
file 2  1000 x3, 777 x2, 1 x1, 446 x1
file 4  40 x1, 60 x1"
has "summary" "summary       variable records"
same_place "scan from BOT" "$before"

scan_json "JSON from BOT" 0 -f vtape0
jtrue "JSON drive keys" '.drive == "vtape0" and .block_size == 0 and
    .block_limits == {"min": 1, "max": 16777215} and .platform == "linux-x86_64"
    and .block_size_op == "MTSETBLK" and .density == 0 and .compression == false'
jtrue "JSON five files" '[.files[].file] == [0, 1, 2, 3, 4]'
jtrue "JSON file 0" '.files[0] | .records == 8 and .bytes == 4096 and
    .min == 512 and .max == 512 and .sizes == {"512": 8} and
    .layout == "fixed" and .block == 512 and .end == "filemark" and .complete'
jtrue "JSON file 1" '.files[1] | .records == 10 and .bytes == 5000 and
    .min == 392 and .max == 512 and .sizes == {"512": 9, "392": 1} and
    .layout == "fixed" and .block == 512'
jtrue "JSON file 2" '.files[2] | .records == 7 and .bytes == 5001 and
    .min == 1 and .max == 1000 and
    .sizes == {"1000": 3, "777": 2, "446": 1, "1": 1} and
    .layout == "variable" and .block == 0'
jtrue "JSON file 3 empty" '.files[3] | .records == 0 and .bytes == 0 and
    .sizes == {} and .layout == "empty" and .end == "filemark"'
jtrue "JSON file 4 without mark" '.files[4] | .records == 2 and .bytes == 100
    and .min == 40 and .max == 60 and .sizes == {"60": 1, "40": 1} and
    .end == "end of data" and .complete'
jtrue "JSON totals" '.records == 27 and .bytes == 14197 and
    .end == "end of data" and .tape_block_size == 0 and .restored and
    .error == null and .start == {"file": 0, "record": 0, "address": 0}'
same_place "JSON scan from BOT" "$before"

# from the middle of file 1
"$T" -f vtape0 rewind; "$T" -f vtape0 fsf 1; "$T" -f vtape0 fsr 3
start_at "file 1 block 3 size 0 at 12"
expect "scan from file 1 record 3" 0 "$S" -f vtape0
has "started mid-file" "started at    file 1, record 3, block address 12"
has "mid-file table" "file  records  bytes  min   max  layout
   1        7   3464  392   512  fixed 512, last 392 (from record 3)
   2        7   5001    1  1000  variable
   3        0      0    -     -  empty
   4        2    100   40    60  fixed 60, last 40 (no filemark)
end of data"
same_place "scan from file 1 record 3" "$before"
scan_json "JSON from file 1 record 3" 0 -f vtape0
jtrue "JSON mid-file" '.files[0] | .file == 1 and .first_record == 3 and
    .records == 7 and .sizes == {"512": 6, "392": 1} and .complete == false'
same_place "JSON from file 1 record 3" "$before"

# --rewind from the middle of file 2: the whole tape, then back
"$T" -f vtape0 fsf 1; "$T" -f vtape0 fsr 5
start_at "file 2 block 5 size 0 at 25"
scan_json "--rewind" 0 --rewind -f vtape0
jtrue "--rewind scans all" '.rewound and [.files[].records] == [8, 10, 7, 0, 2]
    and .files[0].first_record == 0 and .start.address == 25'
same_place "--rewind" "$before"

# from the empty file
"$T" -f vtape0 rewind; "$T" -f vtape0 fsf 3
start_at "file 3 block 0 size 0 at 28"
scan_json "from the empty file" 0 -f vtape0
jtrue "empty file then the last" '[.files[] | [.file, .records]] == [[3, 0], [4, 2]]'
same_place "from the empty file" "$before"

# before the filemark that ends file 1: nothing of file 1 is left
"$T" -f vtape0 rewind; "$T" -f vtape0 fsf 2; "$T" -f vtape0 bsf 1
start_at "file 1 block -1 size 0 at 19"
expect "scan from before a filemark" 0 "$S" -f vtape0
has "the rest of file 1" "started at    file 1, record unknown, block address 19"
has "the rest of file 1 empty" "   1        0      0    -     -  no records after the start
   2        7   5001    1  1000  variable"
same_place "from before a filemark" "$before"

# at end of data: nothing to scan
"$T" -f vtape0 eod
start_at "file 4 block -1 size 0 at 31"
expect "scan at end of data" 0 "$S" -f vtape0
has "nothing after" "no tape file after the starting point"
has "end of data" "end of data"
same_place "scan at end of data" "$before"
scan_json "JSON at end of data" 0 -f vtape0
jtrue "no files" '.files == [] and .records == 0 and .end == "end of data"'

# after a locate the drive knows no file number: they count from the start
"$T" -f vtape0 seek 22
start_at "file -1 block -1 size 0 at 22"
scan_json "after a seek" 0 -f vtape0
jtrue "relative file numbers" '.file_numbers == "relative" and
    .start == {"file": null, "record": null, "address": 22} and
    [.files[].file] == [0, 1, 2] and .files[0].first_record == null and
    .files[0].sizes == {"1000": 1, "777": 2, "446": 1, "1": 1}'
same_place "after a seek" "$before"

# a drive in fixed mode: variable for the scan, fixed again after
"$T" -f vtape0 rewind; "$T" -f vtape0 fsf 1
"$T" -f vtape0 setblk 512
start_at "file 1 block 0 size 512 at 9"
expect "scan in fixed mode" 0 "$S" -f vtape0
has "fixed mode shown" "block mode    fixed, 512-byte blocks; MTSETBLK 512 on linux-x86_64"
has "variable for the scan" "in variable mode for the scan"
has "real sizes in fixed mode" "   2        7   5001    1  1000  variable"
has "advice" "in its fixed 512-byte mode the drive cannot read these records"
same_place "scan in fixed mode" "$before"
scan_json "JSON in fixed mode, one file" 0 --files 1 -f vtape0
jtrue "fixed 512 tape" '.block_size == 512 and .block_mode == "fixed" and
    .files[0].sizes == {"512": 9, "392": 1} and .tape_block_size == 512 and
    .end == "file limit"'
same_place "JSON in fixed mode" "$before"
"$T" -f vtape0 setblk 0

# --files and --records
"$T" -f vtape0 rewind
start_at "file 0 block 0 size 0 at 0"
scan_json "--files 2" 0 --files 2 -f vtape0
jtrue "two files" '[.files[].file] == [0, 1] and .end == "file limit" and
    .records == 18'
same_place "--files 2" "$before"
scan_json "--records 3" 0 --records 3 -f vtape0
jtrue "at most 3 records a file" '[.files[].records] == [3, 3, 3, 0, 2] and
    [.files[].complete] == [false, false, false, true, true] and
    .files[2].sizes == {"1000": 3}'
same_place "--records 3" "$before"
scan_json "--records 8" 0 --records 8 -f vtape0
jtrue "8 records is all of file 0" '[.files[].records] == [8, 8, 7, 0, 2] and
    [.files[].complete] == [true, false, true, true, true]'
expect "--records 3 text" 0 "$S" --records 3 --files 1 -f vtape0
has "part of a file" "fixed 512 (first 3 records)"
has "stopped after" "stopped after 1 file (--files)"
same_place "--records and --files" "$before"

# read-ahead is invisible: the same scans without it, from the middle
"$T" -f vtape0 fsf 1; "$T" -f vtape0 fsr 4
start_at "file 1 block 4 size 0 at 13"
for args in "" "--records 3" "--records 2 --files 2" "--rewind --records 9"; do
	with=$("$S" --json $args -f vtape0 2>/dev/null)
	J=$(TCLIENT_WINDOW=0 "$S" --json $args -f vtape0 2>/dev/null)
	[ -n "$J" ] && [ "$J" = "$with" ] &&
	    pass "same scan without read-ahead ($args)" ||
	    fail "TCLIENT_WINDOW=0 scans differently ($args)"
	same_place "read-ahead or not ($args)" "$before"
done
"$T" -f vtape0 rewind

# another platform's terms
expect "AIX terms" 0 "$S" --platform aix-ppc64 -f vtape0
has "STIOCHGP" "block mode    variable (block size 0); STIOCHGP 0 on aix-ppc64"
J=$(TCLIENT_PLATFORM=freebsd-amd64 "$S" --json -f vtape0 2>/dev/null)
jtrue "FreeBSD terms" '.platform == "freebsd-amd64" and
    .block_size_op == "MTSETBSIZ" and .records == 27'
J=$(TCLIENT_PLATFORM=solaris-amd64 "$S" --json -f vtape0 2>/dev/null)
jtrue "Solaris terms" '.block_size_op == "MTSRSZ"'

# all of it only read
[ "$(md5sum <"$TMP/home/vtape0.tap")" = "$TAPE_SUM" ] &&
    pass "the cartridge is unchanged" || fail "the cartridge changed"

# --- records longer than the first buffer ------------------------------
"$T" -f vtape0 rewind
head -c 1000000 /dev/urandom | "$T" -f vtape0 write -b 200000
head -c 300000 /dev/urandom | "$T" -f vtape0 write -b 300000
head -c 3000000 /dev/urandom | "$T" -f vtape0 write -b 1048576
"$T" -f vtape0 rewind; "$T" -f vtape0 fsr 1
start_at "file 0 block 1 size 0 at 1"
expect "big records" 0 "$S" -v -f vtape0
has "read again" "3 record(s) longer than that read again whole"
has "big table" "   0        4   800000  200000   200000  fixed 200000 (from record 1)
   1        1   300000  300000   300000  fixed 300000
   2        3  3000000  902848  1048576  fixed 1048576, last 902848"
same_place "big records" "$before"
for p in linux-x86_64 freebsd-amd64 aix-ppc64; do
	for w in "" 0; do
		J=$(TCLIENT_WINDOW=$w "$S" --json --platform $p -f vtape0 2>"$TMP/err")
		jtrue "big records exact ($p, window ${w:-default})" \
		    '[.files[].sizes] == [{"200000": 4}, {"300000": 1},
		    {"1048576": 2, "902848": 1}] and .restored'
		same_place "big records ($p, window ${w:-default})" "$before"
	done
done

# --- no tape ------------------------------------------------------------
"$T" -f vtape0 unload
expect "no tape" 2 "$S" -f vtape0
has "no tape said" "no tape is loaded; load one with: tclient -f vtape0 load"
"$T" -f vtape0 load

# --- interrupted --------------------------------------------------------
# 200000 records of 16 bytes take a while to read; an interrupt stops the
# scan after the read under way and the drive is put back
"$T" -f vtape0 rewind
head -c 3200000 /dev/zero | "$T" -f vtape0 write -b 16
# a progress line on a terminal after 10000 records, none elsewhere
"$T" -f vtape0 rewind
script -qec "'$S' --records 20000 -f vtape0" /dev/null >"$TMP/tty" 2>&1
grep -q "tscan: vtape0: file 0, [0-9]* records, [0-9.]* MiB" "$TMP/tty" &&
    pass "progress on a terminal" || fail "no progress line on a terminal"
"$S" --records 20000 -f vtape0 >/dev/null 2>"$TMP/err"
[ ! -s "$TMP/err" ] && pass "no progress off a terminal" ||
    fail "stderr off a terminal: $(cat "$TMP/err")"
"$T" -f vtape0 rewind; "$T" -f vtape0 fsr 5; "$T" -f vtape0 setblk 16
start_at "file 0 block 5 size 16 at 5"
for sig in INT TERM; do
	opened=$(grep -c "drive vtape0 opened" "$TMP/home.log")
	"$S" --json -f vtape0 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	# interrupt once it is reading
	for i in $(seq 1 500); do
		[ "$(grep -c "drive vtape0 opened" "$TMP/home.log")" -gt "$opened" ] &&
		    break
		sleep 0.01
	done
	sleep 0.3
	kill -$sig $pid
	wait $pid
	rc=$?
	J=$(cat "$TMP/out")
	[ $rc -eq 2 ] && pass "SIG$sig: exit 2" || fail "SIG$sig: exit $rc"
	jtrue "SIG$sig: part read, put back" '.end == "interrupted" and
	    .files[0].end == "interrupted" and .files[0].records > 0 and
	    .files[0].records < 199995 and .files[0].sizes == {"16": .files[0].records}
	    and .restored and .block_size == 16'
	grep -q "interrupted" "$TMP/err" && pass "SIG$sig: said" ||
	    fail "SIG$sig: not said: $(cat "$TMP/err")"
	same_place "SIG$sig" "$before"
done

# --- the session ends midway -------------------------------------------
TCLIENT_WINDOW=0 "$S" -f vtape0 >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 0.5
stop_daemon
wait $pid
rc=$?
[ $rc -eq 2 ] && pass "server gone: exit 2" || fail "server gone: exit $rc"
grep -q "could not be put back" "$TMP/err" && pass "server gone: said" ||
    fail "server gone: $(cat "$TMP/err")"
expect "no server" 2 "$S" -f vtape0
has "no server: what to do" "start the server with: tclientd"

# --- records larger than the drive's largest block ---------------------
# written with the default limits, read where the drive takes 1000 bytes
cp "$TMP/home/ca.pem" "$TMP/home/server.pem" "$TMP/home/server.key" "$TMP/"
conf() {
	cat >"$TMP/big.conf" <<CONF
listen 127.0.0.1:0
ca ca.pem
certificate server.pem
key server.key
drive big {
	backend vtape
	path big.tap
	$1
	allow local-client read-write
}
drive ro {
	backend vtape
	path ro.tap
	allow local-client read-only
}
CONF
}
DRV=big
conf ""
start_daemon "$TMP/home" "$TMP/big.conf" || fail "daemon with big.conf"
# a blank tape, on a drive this client may only read, in fixed mode
DRV=ro
"$T" -f ro setblk 512
start_at "file 0 block 0 size 512 at 0"
scan_json "blank tape, read-only" 0 -f ro
jtrue "blank: no files" '.files == [] and .records == 0 and
    .end == "end of data" and .block_size == 512 and .restored'
same_place "blank tape, read-only" "$before"
DRV=big
head -c 6000 /dev/urandom | "$T" -f big write -b 2000
printf abc | "$T" -f big write
stop_daemon
conf "block-limits 1 1000"
start_daemon "$TMP/home" "$TMP/big.conf" || fail "daemon with block-limits"
before=$(where)
scan_json "records too long" 0 --rewind -f big
jtrue "too long: counted, size unknown" '.read_size == 1000 and
    .block_limits.max == 1000 and
    (.files[0] | .records == 3 and .unknown_size == 3 and .bytes == 0 and
    .sizes == {} and .layout == "unknown") and
    (.files[1] | .records == 1 and .sizes == {"3": 1} and .unknown_size == 0)'
same_place "records too long" "$before"
expect "records too long, text" 0 "$S" --rewind -f big
has "too long: said" "   0        3      0    -    -  unknown (3 larger than 1000 bytes)"

# an error midway: on FreeBSD a record longer than the buffer is EIO, and
# with the largest buffer already that cannot be told from a bad record;
# the scan stops there and the drive is still put back
"$T" -f big rewind; "$T" -f big fsr 1
start_at "file 0 block 1 size 0 at 1"
scan_json "error midway" 2 --platform freebsd-amd64 -f big
jtrue "error midway: reported, put back" '.end == "error" and .restored and
    (.error | test("EIO \\(5 on freebsd-amd64\\)")) and
    .files[0].end == "error" and .files[0].records == 0'
case $E in
*"read in file 0 after 0 records: EIO (5 on freebsd-amd64)"*)
	pass "error midway: said" ;;
*)	fail "error midway: stderr: $E" ;;
esac
same_place "error midway" "$before"
stop_daemon

finish
