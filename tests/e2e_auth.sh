# e2e_auth.sh -- who is let in: each refusal as the refused peer sees it,
# and the daemon's log line naming the peer and the reason.  Certificates
# that are expired, not yet valid, or name another server are made here
# with openssl ca from the daemon's own CA.  No secret reaches the log.
. "$(dirname "$0")/lib.sh"
D="$BIN/tclientd"
T="$BIN/tclient"

start_daemon "$TMP/home" || { fail "daemon start"; finish; exit 1; }
H=$TMP/home
LOG=$TMP/home.log

# wait_log TEXT -- up to 10 s for the daemon to log TEXT
wait_log() {
	local i
	for i in $(seq 1 500); do
		grep -qF -- "$1" "$LOG" && return 0
		sleep 0.02
	done
	return 1
}
# logged NAME TEXT -- the log has TEXT, on a line that names the peer and
# says the handshake failed
logged() {
	if wait_log "$2" && grep -F -- "$2" "$LOG" |
	    grep -q '^tclientd: 127\.0\.0\.1:[0-9]* (unauthenticated): session closed: TLS handshake failed: '; then
		pass "$1"
	else
		fail "$1: no log line \"$2\" naming the peer"
		tail -5 "$LOG" | sed 's/^/    /'
	fi
}

# A small CA front end: certificates from the daemon's CA with any dates.
mkdir -p "$TMP/pki"
: >"$TMP/pki/index"
echo 1000 >"$TMP/pki/serial"
cat >"$TMP/pki/ca.cnf" <<CNF
[ ca ]
default_ca = tc
[ tc ]
database = $TMP/pki/index
new_certs_dir = $TMP/pki
serial = $TMP/pki/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
CNF
# mkcert DIR CN START END [SAN] -- DIR/client.pem, DIR/client.key, ca.pem
mkcert() {
	local dir=$1 cn=$2 start=$3 end=$4 san=${5:-}
	mkdir -p "$dir"
	chmod 700 "$dir"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$dir/client.key" -subj "/CN=$cn" \
	    ${san:+-addext "subjectAltName=$san"} -out "$dir/req" 2>/dev/null
	chmod 600 "$dir/client.key"
	openssl ca -batch -config "$TMP/pki/ca.cnf" -cert "$H/ca.pem" \
	    -keyfile "$H/ca.key" -in "$dir/req" -out "$dir/client.pem" \
	    -startdate "$start" -enddate "$end" >/dev/null 2>&1
	cp "$H/ca.pem" "$dir/"
	[ -s "$dir/client.pem" ]
}

# no client certificate at all
timeout 10 openssl s_client -connect 127.0.0.1:$PORT -CAfile "$H/ca.pem" \
    </dev/null >"$TMP/nocert" 2>&1
logged "no certificate: logged" "SSL routines::peer did not return a certificate"

# expired, and not yet valid: a name the ACL allows, refused all the same
mkcert "$TMP/expired" local-client 20200101000000Z 20210101000000Z ||
    fail "cannot make an expired certificate"
expect "expired certificate refused" 2 env TCLIENT_HOME="$TMP/expired" "$T" drives
has "expired: the client is told" "refused this client's certificate"
logged "expired: logged" "(client certificate: certificate has expired)"
mkcert "$TMP/future" local-client 20900101000000Z 20910101000000Z ||
    fail "cannot make a future certificate"
expect "not-yet-valid certificate refused" 2 env TCLIENT_HOME="$TMP/future" "$T" drives
has "not yet valid: the client is told" "refused this client's certificate"
logged "not yet valid: logged" "(client certificate: certificate is not yet valid)"
# the same CA and name with good dates gets in: the dates were the reason
mkcert "$TMP/good" local-client 20200101000000Z 20900101000000Z ||
    fail "cannot make a good certificate"
expect "a valid certificate of the same CA is let in" 0 env TCLIENT_HOME="$TMP/good" "$T" drives
has "valid: sees vtape0" "vtape0"

# a client key others may read is refused before anything is sent
cp -r "$TMP/good" "$TMP/loose"
chmod 640 "$TMP/loose/client.key"
expect "group-readable client key refused" 1 env TCLIENT_HOME="$TMP/loose" "$T" drives
has "the key's mode is named" "private key is readable by group or others (mode 0640)"

# plaintext, and TLS 1.2
bash -c "printf 'GET / HTTP/1.0\\r\\n\\r\\n' >/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
logged "plaintext: logged" "SSL routines::http request"
timeout 10 openssl s_client -connect 127.0.0.1:$PORT -tls1_2 \
    -CAfile "$H/ca.pem" -cert "$H/client.pem" -key "$H/client.key" \
    </dev/null >"$TMP/tls12" 2>&1
grep -q "alert protocol version" "$TMP/tls12" && pass "TLS 1.2: the client is told" ||
    fail "TLS 1.2: $(tail -3 "$TMP/tls12")"
logged "TLS 1.2: logged" "SSL routines::unsupported protocol"

# no secret in the log: no key material, no record data, at -v
printf 'TOPSECRET-RECORD-4711\n' | "$T" -f vtape0 write
"$T" -f vtape0 rewind
"$T" -f vtape0 read >/dev/null
stop_daemon
leaks=0
for k in "$H/ca.key" "$H/server.key" "$H/client.key" "$TMP/good/client.key"; do
	grep -v '^-----' "$k" | while read -r line; do
		grep -qF -- "$line" "$LOG" && echo "$k"
	done | grep -q . && leaks=$((leaks + 1))
done
grep -q "PRIVATE KEY\|TOPSECRET" "$LOG" && leaks=$((leaks + 1))
[ $leaks -eq 0 ] && pass "no key or record data in the log" ||
    fail "secrets in the log ($leaks)"

# a server certificate for another name: the client refuses the server
mkcert "$TMP/srv" elsewhere.example 20200101000000Z 20900101000000Z \
    "DNS:elsewhere.example" || fail "cannot make a server certificate"
cat >"$TMP/other.conf" <<CONF
ca $H/ca.pem
certificate $TMP/srv/client.pem
key $TMP/srv/client.key
drive null0 {
	backend null
	allow local-client read-write
}
CONF
start_daemon "$TMP/home2" "$TMP/other.conf" || { fail "daemon start"; finish; exit 1; }
expect "server name mismatch (IP)" 2 env TCLIENT_HOME="$H" "$T" -s 127.0.0.1:$PORT drives
has "IP mismatch named" "IP address mismatch"
expect "server name mismatch (name)" 2 env TCLIENT_HOME="$H" "$T" -s localhost:$PORT drives
has "host name mismatch named" "hostname mismatch"
LOG=$TMP/home2.log
logged "mismatch: the server logs the client's refusal" "TLS handshake failed"
stop_daemon
finish
