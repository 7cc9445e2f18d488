#!/bin/bash
# run.sh -- make bench: tclient against its ceilings and its peers, on
# loopback, in one run.  Prints a table, ratios and PASS/MISS per target,
# and rewrites the generated part of docs/PERFORMANCE.md.
#
#   BENCH_MB=512      bytes per streaming measurement, in MiB
#   BENCH_REPS=5      repetitions (interleaved); best and median reported
#   BENCH_DOC=FILE    where to write the figures (docs/PERFORMANCE.md)
#
# Everything runs on 127.0.0.1 with its state in a private directory on
# tmpfs (/dev/shm), removed at the end; a private sshd (for rmt) runs on a
# loopback port for the run only.
set -u
SRC=${TC_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${TC_BINDIR:-$SRC/bin}
BB=${TC_BENCHBIN:-$SRC/obj/bench}
MB=${BENCH_MB:-512}
REPS=${BENCH_REPS:-5}
DOC=${BENCH_DOC:-$SRC/docs/PERFORMANCE.md}
BYTES=$((MB * 1048576))
PBYTES=$((BYTES * 4))		# in all, for the concurrent sessions
K256=262144
K64=65536

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

[ -x "$BIN/tclientd" ] && [ -x "$BIN/tclient" ] || die "no programs in $BIN; run make first"
[ -x "$BB/tcbench" ] || die "no $BB/tcbench; run make bench"
# a sanitizer build measures the sanitizers: keep its figures out of docs/
if nm "$BIN/tclientd" 2>/dev/null | grep -q __asan_init; then
	note "an ASan build: its figures say nothing about speed"
	[ -n "${BENCH_DOC:-}" ] || DOC=""
fi

# --- what the peers need -------------------------------------------------
# socat for the TLS and TCP ceilings; sshd for rmt over ssh (tar's own rmt
# is /usr/sbin/rmt-tar from package tar; /usr/sbin/rmt is an alternative
# between it and dump's).  As root, missing packages are installed.
need_pkgs=""
command -v socat >/dev/null || need_pkgs="$need_pkgs socat"
[ -x /usr/sbin/sshd ] || need_pkgs="$need_pkgs openssh-server"
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
    need_pkgs="$need_pkgs openssh-client"
if [ -n "$need_pkgs" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		note "installing$need_pkgs"
		DEBIAN_FRONTEND=noninteractive apt-get install -y $need_pkgs \
		    >/dev/null 2>&1 || note "apt-get install$need_pkgs failed"
	else
		note "missing:$need_pkgs -- as root: apt-get install -y$need_pkgs;" \
		    "the rows that need them are skipped"
	fi
fi
HAVE_SOCAT=0; command -v socat >/dev/null && HAVE_SOCAT=1
HAVE_SSH=0
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && HAVE_SSH=1
RMT=/usr/sbin/rmt-tar
[ -x "$RMT" ] || RMT=/etc/rmt

# --- the private directory, the daemon, cleanup --------------------------
[ -d /dev/shm ] && [ -w /dev/shm ] || die "/dev/shm is not a writable tmpfs"
W=$(mktemp -d /dev/shm/tcbench.XXXXXX) || die "mktemp"
PIDS=""
cleanup() {
	[ -n "${MNT_UP:-}" ] && "$BIN/tctape" unmount "$W/mnt" >/dev/null 2>&1
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }

# wait_file FILE PID -- until FILE is non-empty, while PID lives
wait_file() {
	local i
	for i in $(seq 1 500); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# 1000 idle connections beside a stream need descriptors: raise the soft
# limit (tclientd and tcbench inherit it)
IDLE_TCP=500 IDLE_TLS=500 HAVE_IDLE=1
nofile=$(ulimit -Hn)
if [ "$nofile" = unlimited ] || [ "$nofile" -ge 4096 ]; then
	ulimit -n 4096 2>/dev/null
else
	ulimit -n "$nofile" 2>/dev/null
fi
if [ "$(ulimit -n)" != unlimited ] &&
    [ "$(ulimit -n)" -lt $((IDLE_TCP + IDLE_TLS + 100)) ]; then
	note "only $(ulimit -n) descriptors (ulimit -Hn); the row with" \
	    "$((IDLE_TCP + IDLE_TLS)) idle connections is skipped"
	HAVE_IDLE=0
fi

# the embedded default makes the CA and server keys; a client for the run
TCLIENT_HOME=$W/home "$BIN/tclientd" -d -l 127.0.0.1:0 -P "$W/port0" \
    >"$W/pki.log" 2>&1 &
p=$!
wait_file "$W/port0" $p || { cat "$W/pki.log"; die "tclientd did not start"; }
kill $p; wait $p 2>/dev/null
TCLIENT_HOME=$W/home "$BIN/tclientd" --issue-client bench "$W/client" \
    >/dev/null || die "tclientd --issue-client failed"
# the lines every tclientd of the run starts with
conf_head() {
	echo "ca $W/home/ca.pem"
	echo "certificate $W/home/server.pem"
	echo "key $W/home/server.key"
}
# null_drives N -- drives null0..null<N-1> for the run's client
null_drives() {
	local i
	for i in $(seq 0 $(($1 - 1))); do
		printf 'drive null%d {\n\tbackend null\n\tallow bench read-write\n}\n' $i
	done
}
# start_tclientd NAME -- a tclientd from $W/NAME.conf on a loopback port
# written to $W/NAME.port, its log in $W/NAME.log; its pid in SPID;
# false if it did not start
start_tclientd() {
	rm -f "$W/$1.port"
	"$BIN/tclientd" -d -f "$W/$1.conf" -l 127.0.0.1:0 -P "$W/$1.port" \
	    >"$W/$1.log" 2>&1 &
	SPID=$!
	wait_file "$W/$1.port" $SPID
}

{
	conf_head
	echo "drive vtape0 {"
	echo "	backend vtape"
	echo "	path $W/vtape0.tap"
	echo "	capacity $((MB * 2 + 256))M"
	echo "	allow bench read-write"
	echo "}"
	null_drives 64
} >"$W/main.conf"
start_tclientd main
DPID=$SPID
PIDS="$PIDS $DPID"
[ -s "$W/main.port" ] || { cat "$W/main.log"; die "tclientd did not start"; }
export TCLIENT_HOME=$W/client TCLIENT_SERVER=127.0.0.1:$(cat "$W/main.port")
unset TCLIENT_WINDOW
T=$BIN/tclient
RSS_IDLE=$(awk '/^VmRSS/ {print $2}' /proc/$DPID/status)

# A second tclientd, for the stream beside 1000 idle connections: they
# leave the daemon's heap larger after they close (about 45 KiB each),
# which the memory row of the first must not see.  Room for them, and
# half-open ones stay while measured.
if [ $HAVE_IDLE -eq 1 ]; then
	{
		conf_head
		echo "max-connections 2000"
		echo "handshake-timeout 3600"
		null_drives 1
	} >"$W/idle.conf"
	start_tclientd idle
	DPID2=$SPID
	PIDS="$PIDS $DPID2"
	if [ -s "$W/idle.port" ]; then
		SERVER2=127.0.0.1:$(cat "$W/idle.port")
	else
		note "the second tclientd did not start: $(tail -3 "$W/idle.log")"
		HAVE_IDLE=0
	fi
fi

# a free loopback port (the kernel picks; socat and sshd then bind it)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	    echo $((20000 + RANDOM % 30000))
}

# --- rmt over ssh: a private sshd ----------------------------------------
if [ $HAVE_SSH -eq 1 ]; then
	mkdir -p "$W/ssh" && chmod 700 "$W/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/host" >/dev/null &&
	ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/id" >/dev/null &&
	cp "$W/ssh/id.pub" "$W/ssh/authorized_keys"
	SSHPORT=$(free_port)
	cat >"$W/ssh/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHPORT
HostKey $W/ssh/host
PidFile $W/ssh/sshd.pid
AuthorizedKeysFile $W/ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
EOF
	[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
	/usr/sbin/sshd -D -e -f "$W/ssh/sshd_config" 2>"$W/ssh/sshd.log" &
	SSHPID=$!
	PIDS="$PIDS $SSHPID"
	# tar runs --rsh-command without arguments: a wrapper carries them
	cat >"$W/ssh/rsh" <<EOF
#!/bin/sh
exec /usr/bin/ssh -F /dev/null -p $SSHPORT -i $W/ssh/id -o IdentitiesOnly=yes \\
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \\
    -o BatchMode=yes -o LogLevel=ERROR "\$@"
EOF
	chmod 755 "$W/ssh/rsh"
	ok=0
	for i in $(seq 1 100); do
		"$W/ssh/rsh" 127.0.0.1 true 2>/dev/null && { ok=1; break; }
		kill -0 $SSHPID 2>/dev/null || break
		sleep 0.05
	done
	if [ $ok -eq 0 ]; then
		note "private sshd did not accept the run's key:" \
		    "$(tail -3 "$W/ssh/sshd.log")"
		HAVE_SSH=0
	fi
	head -c $BYTES /dev/zero >"$W/data"
fi

# --- tctape, if built -----------------------------------------------------
HAVE_TCTAPE=0
if [ -x "$BIN/tctape" ]; then
	mkdir -p "$W/mnt"
	if "$BIN/tctape" mount "$W/mnt" >"$W/tctape.log" 2>&1; then
		MNT_UP=1
		for i in $(seq 1 200); do
			[ -e "$W/mnt/nnull0" ] && break
			sleep 0.01
		done
		[ -e "$W/mnt/nnull0" ] && HAVE_TCTAPE=1 ||
		    note "tctape mounted, but no node nnull0 in $W/mnt"
	else
		note "tctape mount failed: $(cat "$W/tctape.log")"
	fi
fi

# --- measurements ---------------------------------------------------------
# Results: R_<key> holds one figure per repetition (MB/s, or µs).
declare -A R
add() { R[$1]="${R[$1]:-} $2"; }

# rate KEY BYTES CMD -- run CMD (a shell string), add MB/s to KEY
rate() {
	local key=$1 bytes=$2 t0 t1
	shift 2
	cpu_mark
	t0=$(now)
	if ! bash -c "$*" >/dev/null 2>"$W/err"; then
		note "$key failed: $(head -3 "$W/err")"
		return 1
	fi
	t1=$(now)
	add "$key" "$(awk -v b="$bytes" -v a="$t0" -v z="$t1" \
	    'BEGIN { printf "%.1f", b / (z - a) / 1e6 }')"
	cpu_add "$key" "$bytes"
}

# prate KEY N -- aggregate of N tcbench sessions on null drives, PBYTES in
# all, timed by tcbench from the moment every session is open and told to
# go until the last has closed: the stream, not the 64 TLS handshakes
prate() {
	local key=$1 n=$2 out
	if ! out=$("$BB/tcbench" par $n null $K256 $((PBYTES / n)) 2>"$W/err"); then
		note "$key failed: $(head -3 "$W/err")"
		return 1
	fi
	set -- $out		# seconds bytes
	add "$key" "$(awk -v b="$2" -v t="$1" 'BEGIN { printf "%.1f", b / t / 1e6 }')"
}

# rss16 -- on a fresh tclientd with 16 null drives, started for each
# repetition: the aggregate of 16 sessions (par16) and its peak RSS (what
# 16 streams cost, not what the heap kept from earlier rows)
{ conf_head; null_drives 16; } >"$W/rss.conf"
rss16() {
	if ! start_tclientd rss; then
		note "the tclientd for 16 sessions did not start: $(tail -3 "$W/rss.log")"
		kill $SPID 2>/dev/null; wait $SPID 2>/dev/null
		return 1
	fi
	TCLIENT_SERVER=127.0.0.1:$(cat "$W/rss.port") prate par16 16 &&
	    add rss16 "$(awk '/^VmHWM/ {print $2}' /proc/$SPID/status)"
	kill $SPID; wait $SPID 2>/dev/null
}

# CPU of the whole path, in ms per GiB moved: every process this script
# ran and waited for (bash's times), tclientd (all its threads), and the
# private sshd's sessions with their rmt (its children's times).
HZ=$(getconf CLK_TCK)
cpu_now() {
	local kids daemon=0 sshd=0
	times >"$W/times"
	kids=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
	    printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$W/times")
	[ -r /proc/$DPID/stat ] &&
	    daemon=$(awk -v hz=$HZ '{ printf "%d", ($14 + $15) * 1000 / hz }' /proc/$DPID/stat)
	[ -n "${SSHPID:-}" ] && [ -r /proc/$SSHPID/stat ] &&
	    sshd=$(awk -v hz=$HZ '{ printf "%d", ($16 + $17) * 1000 / hz }' /proc/$SSHPID/stat)
	CPU_NOW=$((kids + daemon + sshd))
}
# (times must run in this shell, not in a $(...) subshell)
cpu_mark() { cpu_now; CPU0=$CPU_NOW; }
cpu_add() {	# cpu_add KEY BYTES
	sleep 0.05	# sshd reaps its session
	cpu_now
	add "cpu_$1" "$(awk -v a=$CPU0 -v z=$CPU_NOW -v b=$2 \
	    'BEGIN { printf "%d", (z - a) * 1073741824 / b }')"
}

# socat ceilings: a receiver to /dev/null, a sender from /dev/zero
socat_rate() {
	local key=$1 lproto=$2 cproto=$3 port rp t0 t1
	port=$(free_port)
	socat -u -b $K256 "$lproto:$port,bind=127.0.0.1,reuseaddr$4" \
	    OPEN:/dev/null 2>"$W/socat.err" &
	rp=$!
	for i in $(seq 1 100); do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
		sleep 0.01
	done
	cpu_mark
	t0=$(now)
	head -c $BYTES /dev/zero | socat -u -b $K256 - \
	    "$cproto:127.0.0.1:$port$5" 2>>"$W/socat.err"
	wait $rp
	t1=$(now)
	add "$key" "$(awk -v b="$BYTES" -v a="$t0" -v z="$t1" \
	    'BEGIN { printf "%.1f", b / (z - a) / 1e6 }')"
	cpu_add "$key" $BYTES
}

# socat_par KEY N -- N raw TLS streams at once into one forking receiver:
# what 64 sessions cost without tclient, for comparison
socat_par() {
	local key=$1 n=$2 port lp t0 t1 i pids=""
	port=$(free_port)
	socat -u -b $K256 "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,$TLS_SRV" \
	    OPEN:/dev/null 2>>"$W/socat.err" &
	lp=$!
	for i in $(seq 1 100); do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
		sleep 0.01
	done
	t0=$(now)
	for i in $(seq 1 $n); do
		head -c $((BYTES / n)) /dev/zero | socat -u -b $K256 - \
		    "OPENSSL:127.0.0.1:$port,$TLS_CLI" 2>>"$W/socat.err" &
		pids="$pids $!"
	done
	wait $pids
	for i in $(seq 1 500); do	# the receivers drain what is left
		pgrep -P $lp >/dev/null || break
		sleep 0.01
	done
	t1=$(now)
	kill $lp 2>/dev/null; wait $lp 2>/dev/null
	add "$key" "$(awk -v b="$BYTES" -v a="$t0" -v z="$t1" \
	    'BEGIN { printf "%.1f", b / (z - a) / 1e6 }')"
}

# idle_rate KEY0 KEY -- the stream of w_null_256K on the second tclientd,
# alone (KEY0), then with IDLE_TCP connections that sent nothing
# (half-open for tclientd) and IDLE_TLS sessions past TLS and HELLO that
# do nothing all open meanwhile (KEY)
idle_rate() {
	local ip i nfd cmd
	cmd="head -c $BYTES /dev/zero | TCLIENT_SERVER=$SERVER2 '$T' -f null0 write -b $K256"
	rate "$1" $BYTES "$cmd"
	shift
	TCLIENT_SERVER=$SERVER2 "$BB/tcbench" idle $IDLE_TCP $IDLE_TLS \
	    >"$W/idle.out" 2>"$W/idle.err" &
	ip=$!
	for i in $(seq 1 1200); do
		[ -s "$W/idle.out" ] && break
		kill -0 $ip 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$W/idle.out" ]; then
		note "$1: the idle connections did not open: $(head -3 "$W/idle.err")"
		kill $ip 2>/dev/null; wait $ip 2>/dev/null
		return 1
	fi
	nfd=$(ls /proc/$DPID2/fd 2>/dev/null | wc -l)
	[ "$nfd" -ge $((IDLE_TCP + IDLE_TLS)) ] ||
	    note "$1: tclientd has only $nfd descriptors open"
	rate "$1" $BYTES "$cmd"
	kill $ip 2>/dev/null; wait $ip 2>/dev/null
	grep -q "refused:" "$W/idle.log" &&
	    note "$1: tclientd refused connections: $(grep -m1 "refused:" "$W/idle.log")"
	rm -f "$W/idle.out"
}

cpu_of() { awk '{ print $14 + $15 }' /proc/$1/stat; }	# clock ticks

# cpu_rec KEY RECSIZE BYTES -- µs of CPU per record, client and daemon
cpu_rec() {
	local d0 d1 out
	d0=$(cpu_of $DPID)
	out=$("$BB/tcbench" write null0 $2 $3) || { note "tcbench write failed"; return; }
	d1=$(cpu_of $DPID)
	set -- "$1" $out "$d0" "$d1"
	# $2 seconds $3 records $4 user $5 sys
	add "cpuc_$1" "$(awk -v r=$3 -v u=$4 -v s=$5 'BEGIN { printf "%.2f", (u + s) * 1e6 / r }')"
	add "cpud_$1" "$(awk -v r=$3 -v a=$6 -v z=$7 -v hz=$HZ 'BEGIN { printf "%.2f", (z - a) / hz * 1e6 / r }')"
}

TLS_SRV="cert=$W/home/server.pem,key=$W/home/server.key,cafile=$W/home/ca.pem,verify=1"
TLS_CLI="cert=$W/home/client.pem,key=$W/home/client.key,cafile=$W/home/ca.pem,commonname=localhost"
echo "bench: $MB MiB per stream, $REPS repetitions, in $W" >&2
for rep in $(seq 1 $REPS); do
	echo "bench: repetition $rep of $REPS" >&2
	if [ $HAVE_SOCAT -eq 1 ]; then
		socat_rate tcp TCP-LISTEN TCP "" ""
		socat_rate tls OPENSSL-LISTEN OPENSSL ",$TLS_SRV" ",$TLS_CLI"
		socat_par tls64 64
	fi
	for b in $K256 $K64; do
		rate "w_null_$b" $BYTES "head -c $BYTES /dev/zero | '$T' -f null0 write -b $b"
		[ $b = $K256 ] && [ $HAVE_IDLE -eq 1 ] &&
		    idle_rate w_null_idle0 w_null_idle
		rate "r_null_$b" $BYTES "'$T' -f null0 read -b $b | head -c $BYTES"
		"$T" -f vtape0 rewind
		rate "w_vtape_$b" $BYTES "head -c $BYTES /dev/zero | '$T' -f vtape0 write -b $b"
		"$T" -f vtape0 rewind
		rate "r_vtape_$b" $BYTES "'$T' -f vtape0 read -b $b"
	done
	rate lib_null $BYTES "'$BB/tcbench' write null0 $K256 $BYTES"
	if [ $HAVE_TCTAPE -eq 1 ]; then
		rate w_tctape $BYTES "dd if=/dev/zero of='$W/mnt/nnull0' bs=$K256 count=$((BYTES / K256))"
		rate r_tctape $BYTES "dd if='$W/mnt/nnull0' of=/dev/null bs=$K256 count=$((BYTES / K256))"
	fi
	if [ $HAVE_SSH -eq 1 ]; then
		RSH="--rsh-command=$W/ssh/rsh --rmt-command=$RMT"
		rate w_rmt $BYTES "tar -c -b 512 $RSH -f 127.0.0.1:$W/rmt.tar -C $W data"
		rate r_rmt $BYTES "tar -x -O -b 512 $RSH -f 127.0.0.1:$W/rmt.tar"
		rate w_tartc $BYTES "tar -c -b 512 -f - -C $W data | '$T' -f null0 write -b $K256"
		rm -f "$W/rmt.tar"
	fi
	add status "$("$BB/tcbench" status null0 5000)" 
	cpu_rec 256k $K256 $BYTES
	cpu_rec 64k $K64 $BYTES
	cpu_rec 4k 4096 $((BYTES / 8))
	# 4x the bytes, so each of 64 sessions sends 4 windows (32 MiB at
	# the default size): a steady stream, not its start and end
	prate par1 1
	rss16
	prate par64 64
done

# --- the table --------------------------------------------------------------
# best and median of a key (max for rates; for µs and KiB the caller asks)
stat() {	# stat KEY max|min -> "best median"
	local v=${R[$1]:-}
	[ -z "$v" ] && { echo "- -"; return; }
	printf '%s\n' $v | sort -g | awk -v m=$2 '
	    { a[NR] = $1 }
	    END { best = (m == "max") ? a[NR] : a[1]
		  med = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		  printf "%s %s", best, med }'
}
best() { stat "$1" "$2" | cut -d' ' -f1; }
med() { stat "$1" "$2" | cut -d' ' -f2; }

TABLE=$W/table
row() {	# row KEY LABEL
	local s
	s=$(stat "$1" max)
	printf '| %-46s | %9s | %9s |\n' "$2" ${s% *} ${s#* } >>"$TABLE"
}
absent() { printf '| %-46s | %9s | %9s |\n' "$1" "$2" "" >>"$TABLE"; }
{
	printf '| %-46s | %9s | %9s |\n' "throughput, MB/s (10^6 B/s)" best median
	printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 48))" "-----------" "-----------"
} >"$TABLE"
if [ $HAVE_SOCAT -eq 1 ]; then
	row tcp "plain TCP, socat -b 256K (ceiling)"
	row tls "raw TLS 1.3, socat openssl -b 256K (ceiling)"
else
	absent "TCP and TLS ceilings" "no socat"
fi
for b in $K256 $K64; do
	k=$((b / 1024))K
	row "w_null_$b" "tclient write null0, $k records"
	row "r_null_$b" "tclient read null0, $k records"
	if [ $b = $K256 ] && [ $HAVE_IDLE -eq 1 ]; then
		row w_null_idle0 "tclient write null0 256K, 2nd tclientd"
		row w_null_idle "the same, 1000 idle connections open"
	fi
done
for b in $K256 $K64; do
	k=$((b / 1024))K
	row "w_vtape_$b" "tclient write vtape0 on tmpfs, $k records"
	row "r_vtape_$b" "tclient read vtape0 on tmpfs, $k records"
done
row lib_null "libtclient tc_write null0, 256K (tcbench)"
if [ $HAVE_TCTAPE -eq 1 ]; then
	row w_tctape "dd bs=256K to tctape node nnull0"
	row r_tctape "dd bs=256K from tctape node nnull0"
else
	absent "dd through a tctape node" "not built"
fi
if [ $HAVE_SSH -eq 1 ]; then
	row w_rmt "GNU tar -b 512 to rmt over ssh (tmpfs)"
	row r_rmt "GNU tar -b 512 from rmt over ssh (tmpfs)"
	row w_tartc "GNU tar -b 512 | tclient write null0"
else
	absent "GNU tar through rmt over ssh" "no sshd"
fi
row par1 "aggregate, 1 session (tcbench par 1)"
row par16 "aggregate, 16 sessions on 16 null drives"
row par64 "aggregate, 64 sessions on 64 null drives"
[ $HAVE_SOCAT -eq 1 ] && row tls64 "raw TLS, 64 socat streams (with their startup)"
{
	echo
	printf '| %-46s | %9s | %9s |\n' "latency, CPU, memory" best median
	printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 48))" "-----------" "-----------"
} >>"$TABLE"
# status figures come in threes (p50 p99 mean) per repetition
set -- ${R[status]:-}
while [ $# -ge 3 ]; do R[p50]="${R[p50]:-} $1"; R[p99]="${R[p99]:-} $2"; shift 3; done
lrow() {	# lrow KEY LABEL
	local s
	s=$(stat "$1" min)
	printf '| %-46s | %9s | %9s |\n' "$2" ${s% *} ${s#* } >>"$TABLE"
}
lrow p50 "status round trip p50, us"
lrow p99 "status round trip p99, us"
crow() {	# crow KEY LABEL
	local s
	[ -z "${R[cpu_$1]:-}" ] && return
	s=$(stat "cpu_$1" min)
	printf '| %-46s | %9s | %9s |\n' "$2" ${s% *} ${s#* } >>"$TABLE"
}
crow tcp "CPU ms per GiB, all processes: plain TCP"
crow tls "CPU ms per GiB, all processes: raw TLS"
crow w_null_$K256 "CPU ms per GiB: tclient write null0 256K"
crow r_null_$K256 "CPU ms per GiB: tclient read null0 256K"
crow w_rmt "CPU ms per GiB: tar to rmt over ssh"
crow r_rmt "CPU ms per GiB: tar from rmt over ssh"
for k in 256k 64k 4k; do
	lrow "cpuc_$k" "client CPU per $k record, us"
	lrow "cpud_$k" "tclientd CPU per $k record, us"
done
printf '| %-46s | %9s | %9s |\n' "tclientd RSS idle, MiB" \
    "$(awk -v k=$RSS_IDLE 'BEGIN { printf "%.1f", k / 1024 }')" "" >>"$TABLE"
s=$(stat rss16 max)		# "best" is the highest peak here
printf '| %-46s | %9s | %9s |\n' "tclientd peak RSS, 16 sessions, MiB (highest)" \
    $(awk -v a=${s% *} -v b=${s#* } 'BEGIN { printf "%.1f %.1f", a / 1024, b / 1024 }') >>"$TABLE"

# --- ratios and targets ---------------------------------------------------
RES=$W/results
: >"$RES"
# paired A B -- the median over repetitions of A/B, each pair measured in
# the same repetition (minutes apart, not a whole run): what a noisy
# shared machine does to both sides mostly cancels
paired() {
	local a=${R[$1]:-} b=${R[$2]:-}
	[ -z "$a" ] || [ -z "$b" ] && { echo "-"; return; }
	awk -v a="$a" -v b="$b" 'BEGIN {
		na = split(a, x, " "); nb = split(b, y, " ")
		if (na != nb) { print "-"; exit }
		for (i = 1; i <= na; i++) r[i] = (y[i] > 0) ? x[i] / y[i] : 0
		for (i = 1; i <= na; i++) for (j = i + 1; j <= na; j++)
			if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		m = (na % 2) ? r[(na + 1) / 2] : (r[na / 2] + r[na / 2 + 1]) / 2
		printf "%.2f", m }'
}
# ratio NAME A B MIN -- A/B from best, from median and paired; PASS if
# the paired one (the median/median one if unpaired) >= MIN
ratio() {
	local name=$1 a=$2 b=$3 min=$4 rb rm rp v
	rb=$(awk -v x="$(best $a max)" -v y="$(best $b max)" \
	    'BEGIN { if (x == "-" || y == "-" || y == 0) print "-"; else printf "%.2f", x / y }')
	rm=$(awk -v x="$(med $a max)" -v y="$(med $b max)" \
	    'BEGIN { if (x == "-" || y == "-" || y == 0) print "-"; else printf "%.2f", x / y }')
	rp=$(paired $a $b)
	[ "$rp" = - ] && rp=$rm
	if [ "$rp" = - ]; then v="n/a"
	else v=$(awk -v r=$rp -v m=$min 'BEGIN { print (r >= m) ? "PASS" : "MISS" }'); fi
	printf '| %-52s | %5s | %6s | %6s | %6s | %4s |\n' "$name" "$rb" "$rm" "$rp" ">= $min" "$v" >>"$RES"
}
limit() {	# limit NAME VALUE MAX UNIT
	local v
	if [ "$2" = - ]; then v="n/a"
	else v=$(awk -v x=$2 -v m=$3 'BEGIN { print (x <= m) ? "PASS" : "MISS" }'); fi
	printf '| %-52s | %5s | %6s | %6s | %6s | %4s |\n' "$1" "$2" "" "" "<= $3" "$v" >>"$RES"
}
{
	printf '| %-52s | %5s | %6s | %6s | %6s | %4s |\n' "target" best median paired want ""
	printf '|%s|-------|--------|--------|--------|------|\n' "$(printf -- '-%.0s' $(seq 54))"
} >>"$RES"
ratio "tclient write null0 256K / raw TLS" w_null_$K256 tls 0.9
ratio "tclient read null0 256K / raw TLS" r_null_$K256 tls 0.9
ratio "tclient write null0 256K: 1000 idle open / none" w_null_idle w_null_idle0 0.9
ratio "tclient write null0 256K / tar to rmt over ssh" w_null_$K256 w_rmt 4
ratio "tclient read null0 256K / tar from rmt over ssh" r_null_$K256 r_rmt 4
ratio "tctape dd write / tclient write (null0, 256K)" w_tctape w_null_$K256 0.7
ratio "tctape dd read / tclient read (null0, 256K)" r_tctape r_null_$K256 0.7
ratio "64 sessions / 1 session, aggregate" par64 par1 0.8
limit "status round trip p50, us" "$(best p50 min)" 100
limit "tclientd peak RSS, 16 sessions, MiB (highest)" \
    "$(awk -v k="$(best rss16 max)" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }')" 64
{
	echo
	echo "Also, for reference: tclient 64K records / raw TLS" \
	    "write $(awk -v x="$(best w_null_$K64 max)" -v y="$(best tls max)" 'BEGIN { if (y + 0 > 0) printf "%.2f", x / y; else print "-" }')," \
	    "read $(awk -v x="$(best r_null_$K64 max)" -v y="$(best tls max)" 'BEGIN { if (y + 0 > 0) printf "%.2f", x / y; else print "-" }');" \
	    "raw TLS 64 streams / 1 stream $(awk -v x="$(best tls64 max)" -v y="$(best tls max)" 'BEGIN { if (y + 0 > 0) printf "%.2f", x / y; else print "-" }');" \
	    "tar | tclient / tar to rmt $(awk -v x="$(best w_tartc max)" -v y="$(best w_rmt max)" 'BEGIN { if (y + 0 > 0) printf "%.2f", x / y; else print "-" }')."
	# what the 4x targets ask of the ceiling itself on this machine
	echo "The raw TLS ceiling itself / rmt over ssh (paired): write" \
	    "$(paired tls w_rmt), read $(paired tls r_rmt)."
} >>"$RES"

MACHINE=$W/machine
{
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- nproc: $(nproc)"
	echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "- kernel: $(uname -srm)"
	echo "- OpenSSL: $(openssl version 2>/dev/null | cut -d' ' -f1-2)," \
	    "socat $(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/\1/p')," \
	    "$(ssh -V 2>&1 | cut -d, -f1), $(tar --version | head -1), rmt: $RMT"
	echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- run: $MB MiB per stream, $REPS repetitions interleaved; commit" \
	    "$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$MACHINE"

echo
cat "$MACHINE"
echo
cat "$TABLE"
echo
cat "$RES"

# --- docs/PERFORMANCE.md: the generated part, then the hand-written part ---
if [ -z "$DOC" ]; then
	echo
	echo "bench: $SRC/docs/PERFORMANCE.md left alone (set BENCH_DOC to write one)"
	exit 0
fi
MARK='<!-- Everything below this line is written by hand; bench/run.sh keeps it. -->'
tail=""
# (awk, not sed: the mark has a "/" in it)
[ -f "$DOC" ] && grep -qxF "$MARK" "$DOC" &&
    tail=$(awk -v m="$MARK" 'keep { print } $0 == m { keep = 1 }' "$DOC")
{
	echo "# tclient performance"
	echo
	echo "Figures from \`make bench\` (bench/run.sh), which rewrites this part of"
	echo "the file on every run; the notes after the figures are kept."
	echo
	echo "## Machine"
	echo
	cat "$MACHINE"
	echo
	echo "## Figures"
	echo
	cat "$TABLE"
	echo
	echo "## Targets"
	echo
	echo "Ratios are taken within this run: best over best, median over"
	echo "median, and *paired*, the median of the ratios of each repetition,"
	echo "whose two sides ran minutes apart.  PASS/MISS is judged on the"
	echo "paired ratio, which a noisy shared machine disturbs least (a spike"
	echo "on one side moves best/best); the latency and memory limits on the"
	echo "best figure (for memory, the highest peak of the repetitions)."
	echo
	cat "$RES"
	echo
	echo "$MARK"
	if [ -n "$tail" ]; then
		printf '%s\n' "$tail"
	else
		echo
		echo "## Method"
		echo
		echo "(to be written)"
	fi
} >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
echo
echo "bench: figures written to $DOC"
