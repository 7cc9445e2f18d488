#!/usr/bin/env bash
# e2e_tcerrno.sh -- bin/tcerrno as a user runs it: output and exit status
# of check, explain and list, and of usage errors.  Needs TC_BINDIR; uses
# TC_SRCDIR (default: the current directory) for tables/.
set -u
tcerrno=${TC_BINDIR:?TC_BINDIR must name the bin directory}/tcerrno
src=${TC_SRCDIR:-.}
tables=$src/tables
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e_tcerrno.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

# run CMD...: sets out, err and rc
run() {
	out=$("$@" 2>"$tmp/stderr")
	rc=$?
	err=$(cat "$tmp/stderr")
}

# check NAME CONDITION-DESCRIPTION TEST...
check() {
	local name=$1 what=$2
	shift 2
	if "$@"; then
		echo "PASS $name"
	else
		echo "FAIL $name: $what"
		echo "    rc=$rc"
		echo "    stdout: $out" | head -5
		echo "    stderr: $err" | head -5
		fails=$((fails + 1))
	fi
}

# The line of pairs.rules that maps SERVER CLIENT CTX FROM.
ruleline() {
	awk -v s="$1" -v c="$2" -v x="$3" -v e="$4" \
	    '$1 == s && $2 == c && $3 == x && $4 == e { print NR; exit }' \
	    "$tables/pairs.rules"
}

# The line of platform P's errno table that names E.
errline() {
	awk -v e="$2" '$1 == e { print NR; exit }' "$tables/$1.errno"
}

nplat=$(ls "$tables"/*.errno | wc -l)
nrules=$(grep -hv '^[[:space:]]*\(#\|$\)' "$tables"/*.rules | wc -l)

# --- check ----------------------------------------------------------------
run "$tcerrno" check "$tables"
check check_dir "exit 0 and a summary" \
    test "$rc" -eq 0 -a "$out" = "$tables: $nplat platforms, $nrules rules, OK" \
    -a -z "$err"

run "$tcerrno" check
check check_default "default tables checked and named" \
    eval '[ $rc -eq 0 ] && [[ $out =~ ^(built-in|/.*/tables):\ [0-9]+\ platforms,\ [0-9]+\ rules,\ OK$ ]]'

mkdir "$tmp/bad"
printf 'EIO 5\nEIO 6\n' >"$tmp/bad/a-x.errno"
printf 'unsupported EIO\nOPW 0 STWEOF\n' >"$tmp/bad/a-x.ops"
printf 'EIO 5\n' >"$tmp/bad/b-y.errno"
run "$tcerrno" check "$tmp/bad"
want="$tmp/bad/a-x.errno:2: duplicate errno name EIO (first at line 1)
$tmp/bad/b-y.errno:0: no b-y.ops for this platform
$tmp/bad: 2 problems, the tables cannot be used"
check check_bad "exit 1, every diagnostic on stderr" \
    test "$rc" -eq 1 -a -z "$out" -a "$err" = "$want"

run "$tcerrno" check "$tmp/nonexistent"
check check_missing_dir "exit 1 naming the directory" \
    test "$rc" -eq 1 -a "$err" = "$tmp/nonexistent:0: cannot open directory: No such file or directory
$tmp/nonexistent: 1 problem, the tables cannot be used"

run "$tcerrno" check "$tables" "$tables"
check check_two_dirs "usage error" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: check: too many arguments"* ]]'

# --- explain --------------------------------------------------------------
line=$(ruleline linux-\* aix-ppc64 open EROFS)
run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 --op open \
    --tables "$tables" EROFS
check explain_rule "pair rule for open, with file and line" \
    test "$rc" -eq 0 -a "$out" = "EROFS (30) on linux-x86_64 -> EWRPROTECT (47) on aix-ppc64: pair rule for open at $tables/pairs.rules:$line"

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 --tables "$tables" 30
check explain_all_ops "any context by name, then the open rule" \
    test "$rc" -eq 0 -a "$out" = "EROFS (30) on linux-x86_64 -> EROFS (30) on aix-ppc64: translated by name EROFS ($tables/linux-x86_64.errno:$(errline linux-x86_64 EROFS), $tables/aix-ppc64.errno:$(errline aix-ppc64 EROFS))
  on open: EWRPROTECT (47): pair rule at $tables/pairs.rules:$line"

run "$tcerrno" explain --tables "$tables" --op read --from aix-ppc64 \
    --to linux-x86_64 EMEDIA
check explain_fallback "no name on Linux: EIO" \
    test "$rc" -eq 0 -a "$out" = "EMEDIA (110) on aix-ppc64 -> EIO (5) on linux-x86_64: no rule and no common name, fallback to EIO at $tables/linux-x86_64.errno:$(errline linux-x86_64 EIO)"

run "$tcerrno" explain --from aix-ppc64 --to linux-x86_64 --op write --tables "$tables" 11
check explain_number "a number in the server's numbering" \
    test "$rc" -eq 0 -a "$out" = "EAGAIN (11) on aix-ppc64 -> EAGAIN (11) on linux-x86_64: translated by name EAGAIN ($tables/aix-ppc64.errno:$(errline aix-ppc64 EAGAIN), $tables/linux-x86_64.errno:$(errline linux-x86_64 EAGAIN))"

run "$tcerrno" explain --from aix-ppc64 --to linux-x86_64 --op read --tables "$tables" ECANCELED
check explain_alias "by an alias: the line of the name both have" \
    test "$rc" -eq 0 -a "$out" = "ECANCELED (117) on aix-ppc64 -> ECANCELED (125) on linux-x86_64: translated by name ECANCELED ($tables/aix-ppc64.errno:$(errline aix-ppc64 ECANCELED), $tables/linux-x86_64.errno:$(errline linux-x86_64 ECANCELED))"

run "$tcerrno" explain --from linux-x86_64 --to linux-x86_64 --op open ENOSPC
check explain_same "same platform passes through" \
    test "$rc" -eq 0 -a "$out" = "ENOSPC (28) on linux-x86_64 -> ENOSPC (28) on linux-x86_64: same platform, passed through"

run "$tcerrno" explain --from vms-vax --to linux-x86_64 --op open 30
check explain_unknown "unknown platform passes through" \
    test "$rc" -eq 0 -a "$out" = "30 on vms-vax -> EROFS (30) on linux-x86_64: vms-vax is not in the tables, passed through"

run "$tcerrno" explain --from vms-vax --to linux-x86_64 EROFS
check explain_unknown_name "a name needs a known --from" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: vms-vax is not in the tables ("*"); give ERRNO as a number" ]]'

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 EWRPROTECT
check explain_bad_name "the name is not on --from" \
    test "$rc" -eq 1 -a "$err" = "tcerrno: explain: EWRPROTECT is not an errno name on linux-x86_64; \"tcerrno list linux-x86_64\" shows them"

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 5000
check explain_bad_number "numbers are 1..4095" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: \"5000\" is not an errno number (1..4095) or name"* ]]'

run "$tcerrno" explain --to aix-ppc64 EIO
check explain_no_from "--from is required" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: --from PLATFORM is required"* ]] && [[ $err == *usage:* ]]'

run "$tcerrno" explain --from Linux --to aix-ppc64 EIO
check explain_bad_id "not an os-arch id" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: --from \"Linux\" is not a platform id"* ]]'

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 --op seek EIO
check explain_bad_op "OP is open, read, write, ioctl or close" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: --op \"seek\": use open, read, write, ioctl or close"* ]]'

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64
check explain_no_errno "ERRNO is required" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: give the ERRNO to explain"* ]]'

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 --color EIO
check explain_bad_option "unknown option named" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: unknown option \"--color\""* ]]'

run "$tcerrno" explain --from linux-x86_64 --to
check explain_option_value "missing option value named" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: explain: option \"--to\" needs a value"* ]]'

run "$tcerrno" explain --from linux-x86_64 --to aix-ppc64 --tables "$tmp/bad" EIO
check explain_bad_tables "bad tables are refused" \
    eval '[ $rc -eq 1 ] && [ -z "$out" ] && [[ $err == *"duplicate errno name EIO"* ]]'

# --- list -----------------------------------------------------------------
run "$tcerrno" list --tables "$tables" linux-x86_64
check list_platform "errno and op tables" \
    eval '[ $rc -eq 0 ] && [[ $out == "linux-x86_64: errno table $tables/linux-x86_64.errno"* ]] &&
	grep -qx "	EWOULDBLOCK        11	alias of EAGAIN" <<<"$out" &&
	grep -qx "linux-x86_64: op table $tables/linux-x86_64.ops; ops it cannot do fail with ENOSYS (38)" <<<"$out" &&
	grep -qx "	MTWEOF              5	STWEOF" <<<"$out" &&
	grep -qx "	MTRESET             0	- (no canonical op)" <<<"$out"'

run "$tcerrno" list --tables "$tables" hpux-parisc
check list_status_word "a platform's status word" \
    eval '[ $rc -eq 0 ] && grep -qx "hpux-parisc: status word bits (mt_gstat)" <<<"$out" &&
	grep -qx "	BOT              0x40000000" <<<"$out" &&
	grep -qx "	COMPRESS         0x00100000" <<<"$out"'

run "$tcerrno" list --tables "$tables" freebsd-amd64
check list_no_status_word "a platform without one" \
    eval '[ $rc -eq 0 ] && [[ $out == *"
freebsd-amd64: no status word" ]]'

run "$tcerrno" list --tables "$tables"
check list_all "the platform ids" \
    test "$rc" -eq 0 -a "$out" = "$(cd "$tables" && ls *.errno | sed 's/\.errno$//' | LC_ALL=C sort)"

run "$tcerrno" list vms-vax
check list_unknown "unknown platform named" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: list: vms-vax is not in the tables"* ]]'

# --- the command line itself ---------------------------------------------
run "$tcerrno"
check no_command "usage error" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: no command given"* ]]'

run "$tcerrno" frobnicate
check unknown_command "usage error naming the command" \
    eval '[ $rc -eq 1 ] && [[ $err == "tcerrno: unknown command \"frobnicate\""* ]]'

run "$tcerrno" --help
check help "usage on stdout, exit 0" \
    eval '[ $rc -eq 0 ] && [[ $out == "usage: tcerrno check [DIR]"* ]] && [ -z "$err" ]'

run "$tcerrno" explain -h
check help_command "-h after a command" \
    eval '[ $rc -eq 0 ] && [[ $out == "usage: tcerrno"* ]]'

if [ "$fails" -ne 0 ]; then
	echo "FAIL e2e_tcerrno: $fails failed"
	exit 1
fi
echo "PASS e2e_tcerrno"
exit 0
