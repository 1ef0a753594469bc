#!/bin/bash
# Host-level attestation chain test (make test-kbs; docs/attestation.md "Tests"): the test
# KBS (tests/kbs/kbs-server.py, jwcrypto JWEs) and tools/svsm-proxy on a UNIX socket, driven
# by build/tools/kbs-client-host, which links the SVSM's lib/kbs_client.c and
# lib/proxy_frame.c. Each case starts its own KBS and proxy and must end with the expected
# secret or the expected error line. Loopback and UNIX sockets only; every process is
# started here, run under timeout and killed by its PID.
set -u
CLIENT=${1:-build/tools/kbs-client-host}
PY=/usr/bin/python3
DIR=$(mktemp -d /tmp/svsm-kbs.XXXXXX)
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
PIDS=()
pass=0
fail=0

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

"$PY" -c 'import jwcrypto' 2>/dev/null || {
	echo "test-kbs: python3-jwcrypto missing (make deps installs it)" >&2
	exit 1
}

start_kbs() { # args for kbs-server.py; sets PORT
	rm -f "$DIR/port"
	timeout 120 "$PY" tests/kbs/kbs-server.py --port-file "$DIR/port" --secret-hex "$SECRET" "$@" \
		>>"$DIR/kbs.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
	PORT=$(cat "$DIR/port")
}

start_proxy() { # kbs url, extra args
	local url=$1
	shift
	rm -f "$DIR/sock"
	timeout 120 tools/svsm-proxy/svsm-proxy --kbs "$url" --listen "$DIR/sock" --once "$@" \
		>>"$DIR/proxy.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do [ -S "$DIR/sock" ] && break; sleep 0.05; done
}

stop_all() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	PIDS=()
}

# expect NAME WANT CLIENT-ARGS...: WANT is "secret" or a substring of the client's error.
expect() {
	local name=$1 want=$2 out
	shift 2
	out=$(timeout 60 "$CLIENT" --socket "$DIR/sock" --timeout-ms 700 --attempts 2 "$@" 2>&1)
	if { [ "$want" = secret ] && [ "$out" = "secret $SECRET" ]; } ||
		{ [ "$want" != secret ] && [[ "$out" == *"$want"* ]]; }; then
		echo "test-kbs: $name PASS ($out)" | cut -c1-150
		pass=$((pass + 1))
	else
		echo "test-kbs: $name FAIL: got '$out', want '$want'"
		fail=$((fail + 1))
	fi
}

case_run() { # name want kbs-args -- proxy-args -- client-args
	local name=$1 want=$2 kargs=() pargs=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do kargs+=("$1"); shift; done
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pargs+=("$1"); shift; done
	shift
	start_kbs "${kargs[@]}"
	start_proxy "http://127.0.0.1:$PORT" "${pargs[@]}"
	expect "$name" "$want" "$@"
	stop_all
}

case_run happy-path secret -- -- --generation 1
case_run refused-policy "KBS refused (401)" --deny -- -- 
case_run wrong-jwe-alg "JWE alg" --wrong-alg -- --
case_run bad-gcm-tag "JWE tag" --bad-tag -- --
# Replay: the JWE of an earlier session (another ephemeral key) cannot be unwrapped.
case_run replay-save secret --replay-from "$DIR/saved.jwe" -- --
case_run replayed-jwe "key unwrap failed" --replay-from "$DIR/saved.jwe" -- --
# Rollback: the KBS remembers the highest generation per resource.
G="$DIR/generations.json"
case_run generation-5 secret --min-generation-file "$G" -- -- --generation 5
case_run rollback-to-4 "KBS refused (401)" --min-generation-file "$G" -- -- --generation 4
case_run same-generation-5 secret --min-generation-file "$G" -- -- --generation 5
case_run generation-6 secret --min-generation-file "$G" -- -- --generation 6
case_run wrong-secret-size "wrong size" -- -- --secret-size 16
# The proxy drops or truncates the resource reply: a bounded time-out, never a hang.
case_run proxy-drops "proxy unreachable/timeout" -- --drop --
case_run proxy-truncates "proxy unreachable/timeout" -- --truncate --
# No KBS behind the proxy; no proxy at all.
start_kbs
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
start_proxy "http://127.0.0.1:$PORT"
expect kbs-down "proxy unreachable/timeout"
stop_all
rm -f "$DIR/sock"
expect no-proxy "proxy unreachable/timeout"

# Replay/clone at the KBS: a second attestation for one nonce is refused.
start_kbs
if timeout 30 "$PY" - "$PORT" <<'PYEOF'
import base64, hashlib, json, sys, http.client
port = int(sys.argv[1])
def req(method, path, body, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"Content-Type": "application/json"}
    if cookie: h["Cookie"] = "kbs-session-id=" + cookie
    c.request(method, path, body=json.dumps(body), headers=h)
    r = c.getresponse()
    return r.status, r.getheader("Set-Cookie"), r.read()
s, ck, b = req("POST", "/kbs/v0/auth", {"version": "0.4.0", "tee": "sample", "extra-params": ""})
cookie = ck.split(";")[0].split("=", 1)[1]
nonce = json.loads(b)["nonce"]
pk = {"alg": "ECDH-ES+A256KW", "crv": "P-256", "kty": "EC",
      "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0", "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}
canon = json.dumps({"additional-evidence": "", "nonce": nonce, "tee-pubkey": pk}, sort_keys=True, separators=(",", ":"))
rd = base64.b64encode(hashlib.sha384(canon.encode()).digest() + bytes(16)).decode()
att = {"init-data": None, "runtime-data": {"nonce": nonce, "tee-pubkey": pk},
       "tee-evidence": {"primary_evidence": {"svn": "1", "report_data": rd}, "additional_evidence": ""}}
first = req("POST", "/kbs/v0/attest", att, cookie)[0]
second = req("POST", "/kbs/v0/attest", att, cookie)[0]
bad_version = req("POST", "/kbs/v0/auth", {"version": "0.4.1", "tee": "sample", "extra-params": ""})[0]
print("attest %d, same nonce again %d, version 0.4.1 %d" % (first, second, bad_version))
sys.exit(0 if (first, second, bad_version) == (200, 401, 401) else 1)
PYEOF
then echo "test-kbs: nonce-replay PASS"; pass=$((pass + 1))
else echo "test-kbs: nonce-replay FAIL"; fail=$((fail + 1)); fi
stop_all

echo "test-kbs: $pass passed, $fail failed"
if [ "$fail" -ne 0 ]; then
	echo "--- kbs log"; tail -30 "$DIR/kbs.log"; echo "--- proxy log"; tail -30 "$DIR/proxy.log"
	exit 1
fi
