#!/usr/bin/env bash
# e2e_platform.sh -- the tclient CLI speaking for another platform
# (--platform, TCLIENT_PLATFORM): errors by that platform's names and
# numbers, its ops through its op table, and the drive's status in its
# status word.
. "$(dirname "$0")/lib.sh"
T="$BIN/tclient"

start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
stop_daemon
cat >"$TMP/tclientd.conf" <<CONF
ca $TMP/home/ca.pem
certificate $TMP/home/server.pem
key $TMP/home/server.key
drive wp {
	backend vtape
	path $TMP/wp.tap
	write-protect yes
	allow * read-write
}
drive tape {
	backend vtape
	path $TMP/tape.tap
	allow * read-write
}
CONF
start_daemon "$TMP/home" "$TMP/tclientd.conf" || { fail "config daemon"; finish; exit 1; }

# errors: the platform's name and number, and the hint still given
expect "solaris: weof on a write-protected tape" 2 "$T" --platform solaris-amd64 -f wp weof
has "solaris: EACCES by name" "tclient: wp: weof: EACCES (13 on solaris-amd64)"
expect "aix: write-protected open" 2 sh -c "printf x | TCLIENT_PLATFORM=aix-ppc64 '$T' -f wp write"
has "aix: EWRPROTECT from the environment" "tclient: wp: write: EWRPROTECT (47 on aix-ppc64)"
has "aix: hint by name" "the tape in wp is write-protected"
expect "hpux: unsupported op" 2 "$T" --platform hpux-parisc -f tape seek 3
has "hpux: no such op" "tclient: seek: hpux-parisc has no such operation"

# ops: a BSD weof writes a filemark (never an MTRESET), then status counts it
expect "freebsd: weof" 0 "$T" --platform freebsd-amd64 -f tape weof 2
expect "status after weof" 0 "$T" -f tape status
has "two filemarks" "File number=2, block number=0"

# status in the platform's word
expect "hpux: status" 0 "$T" --platform hpux-parisc -f wp status
has "hpux: mt_gstat" "hpux-parisc status word (mt_gstat) 45010000: BOT WR_PROT ONLINE IM_REP_EN"
# (HP-UX has no compression op: this host's client turns it on)
expect "hpux: compression on" 0 "$T" -f wp compression 1
expect "hpux: status, compressing" 0 "$T" --platform hpux-parisc -f wp status
has "hpux: GMT_COMPRESS" "hpux-parisc status word (mt_gstat) 45110000: BOT WR_PROT ONLINE IM_REP_EN COMPRESS"
expect "linux-sparc: status" 0 "$T" --platform linux-sparc -f wp status
has "linux-sparc: no compress bit" "linux-sparc status word (mt_gstat) 45010000: BOT WR_PROT ONLINE IM_REP_EN"
expect "freebsd: status" 0 "$T" --platform freebsd-amd64 -f wp status
has "freebsd: no word" "freebsd-amd64: no status word in its tables (tcerrno list freebsd-amd64)"
stop_daemon
finish
