# shellcheck shell=bash
# Sourced by the test scripts that boot the SVSM with a state disk (test-state, test-log-persist,
# test-uefi-flash, test-uefi-mm): a test KBS (tests/kbs/kbs-server.py) and svsm-proxy for one
# boot, on loopback and a socket in $W. The caller sets W (work dir), tmo (seconds), PY
# (python3), SECRET (hex state secret) and PIDS (an array); `machine` (default empty) picks the
# KBS's generation file: the KBS remembers generations per machine, so a new blank image of a
# machine it knows would be a re-format, which its policy refuses.

# kbs_start [kbs-server options] [-- proxy options]
kbs_start() {
	local kopts=() popts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do kopts+=("$1"); shift; done
	[ $# -eq 0 ] || { shift; popts=("$@"); }
	rm -f "$W/port" "$W/sock"
	timeout "$tmo" "$PY" tests/kbs/kbs-server.py --port-file "$W/port" --secret-hex "$SECRET" \
		--min-generation-file "$W/generations${machine:-}" "${kopts[@]}" >>"$W/kbs.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.05; done
	timeout "$tmo" tools/svsm-proxy/svsm-proxy --kbs "http://127.0.0.1:$(cat "$W/port")" \
		--listen "$W/sock" --once "${popts[@]}" >>"$W/proxy.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -S "$W/sock" ] && break; sleep 0.05; done
}

# kbs_stop: end the KBS and proxy of kbs_start.
kbs_stop() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	PIDS=()
}
