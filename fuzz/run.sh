#!/bin/sh
# run.sh -- run every libFuzzer harness: first over its corpus in the tree
# (the seeds and every reproducer of a bug found before: a regression
# test), then for SECONDS more of fuzzing.  New inputs go to a scratch
# corpus under the build directory, crashes to BUILD/crash-NAME-*.
#   sh fuzz/run.sh SECONDS BUILD-DIR HARNESS...
# Exits non-zero at the first harness that fails; its log is shown.
set -u
secs=$1 build=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$@"; do
	name=$(basename "$bin" | sed 's/^fuzz_//')
	seeds=$src/corpus/$name
	scratch=$build/corpus/$name
	log=$build/$name.log
	mkdir -p "$scratch"
	dict=
	[ -f "$src/$name.dict" ] && dict=-dict=$src/$name.dict
	maxlen=-max_len=4096
	[ "$name" = vtape ] && maxlen=-max_len=65536
	printf 'fuzz %-8s corpus %4d files, then %ss ... ' "$name" \
	    "$(ls "$seeds" | wc -l)" "$secs"
	if ! "$bin" -runs=0 $dict "$seeds" >"$log" 2>&1; then
		echo "FAILED on the corpus (log: $log)"
		tail -40 "$log"
		status=1
		continue
	fi
	if [ "$secs" -gt 0 ] && ! "$bin" -max_total_time="$secs" $dict \
	    $maxlen -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$build/crash-$name-" "$scratch" "$seeds" \
	    >>"$log" 2>&1; then
		echo "FAILED (log: $log)"
		tail -40 "$log"
		status=1
		continue
	fi
	echo "ok ($(grep -o 'Done [0-9]* runs' "$log" | tail -1 |
	    sed 's/Done //'))"
done
exit $status
