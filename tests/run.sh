#!/bin/sh
# run.sh unit|e2e FILE... -- run test programs or scripts, each under a hard
# timeout, keep each one's output in $TC_TESTBIN/logs, and summarize.
kind=$1; shift
logs=${TC_TESTBIN:-/tmp}/logs
mkdir -p "$logs"
pass=0; fail=0; failed=""
for t in "$@"; do
	name=$(basename "$t" .sh)
	log="$logs/$name.log"
	if [ "$kind" = unit ]; then
		CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60} \
		    timeout 900 "$t" >"$log" 2>&1
	else
		timeout 1800 bash "$t" >"$log" 2>&1
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		summary=$(grep -E '^[0-9]+%: Checks|^ok [0-9]+ of|^PASS' "$log" | tail -1)
		echo "PASS $name ${summary:+($summary)}"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $name (exit $rc); log: $log"
		grep -E 'FAIL|Failure|:E:|:F:|ERROR|not ok|AddressSanitizer|runtime error' "$log" | head -20 | sed 's/^/    /'
	fi
done
echo "$kind: $pass passed, $fail failed${failed:+:$failed}"
[ $fail -eq 0 ]
