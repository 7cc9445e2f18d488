# e2e_service.sh -- etc/tclientd.service: the least-privilege settings
# INSTALL promises are there, and systemd accepts every line of the unit
# (when systemd-analyze is installed).
. "$(dirname "$0")/lib.sh"
SRC=${TC_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
U=$SRC/etc/tclientd.service

for kv in "User=tclient" "Group=tclient" "SupplementaryGroups=tape" \
    "NoNewPrivileges=yes" "CapabilityBoundingSet=" "AmbientCapabilities=" \
    "ProtectSystem=strict" "StateDirectory=tclient" \
    "ReadWritePaths=/var/lib/tclient" "PrivateTmp=yes" "ProtectHome=yes" \
    "RestrictSUIDSGID=yes" "DevicePolicy=closed" "UMask=0077"; do
	grep -qx -- "$kv" "$U" && pass "unit: $kv" || fail "unit lacks $kv"
done
grep -q "Running tclientd as a service" "$SRC/INSTALL" &&
    pass "INSTALL documents the service" || fail "INSTALL has no service section"

if command -v systemd-analyze >/dev/null 2>&1; then
	sed -e "s|/usr/local/sbin/tclientd|$BIN/tclientd|" -e '/^Documentation=/d' \
	    "$U" >"$TMP/tclientd.service"
	expect "systemd-analyze verify" 0 systemd-analyze verify "$TMP/tclientd.service"
	[ -z "$OUT" ] && pass "systemd knows every setting" ||
	    fail "systemd-analyze: $OUT"
else
	[ -n "$CI" ] && fail "systemd-analyze not installed (apt-get install systemd)" ||
	    echo "SKIP systemd-analyze not installed"
fi
finish
