#!/bin/sh
# Issue 16: a stepped lecture, each call held for seconds while CPU hogs
# load the machine, once read 0 to 800 s on its axis for a run of under a
# minute. Here every call's begin and end lie within the run's real
# duration, measured around it, live and in the recording, over both
# transports (one anchor for the host, or each rank's own).
. "${top_srcdir:-/work/main}/tests/lib.sh"

hogs=
stop_hogs() {
	for p in $hogs; do kill "$p" 2>/dev/null; done
	hogs=
}
trap 'stop_hogs; rm -rf "$tmp"' EXIT
for i in 1 2 3; do
	timeout 120 sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done

# within_run FILE WHAT: every event between -1 s and the run's length
within_run() {
	awk -v len_us="$len_us" -v what="$2" '
	/^ *-?[0-9]+\.[0-9]+ r[0-9]+ #[0-9]+ / {
		b = $1 + 0; d = 0
		if (match($0, / dur=[0-9.]+/)) d = substr($0, RSTART + 5, RLENGTH - 5) + 0
		if (b < -1000000 || b + d > len_us) {
			printf "%s: %s begins at %.3f us, ends at %.3f us; the run took %.0f us\n",
				what, $2 " " $3 " " $4, b, b + d, len_us
			bad = 1
		}
		n++
	}
	END { if (n == 0) { print what ": no events"; bad = 1 } exit bad }' "$1" >"$tmp/bad" ||
		fail "$(sed -n '1,4p' "$tmp/bad")"
}

keys="n~~~~n~~~~n~~~~r~~~~n"
for transport in shared mpi; do
	what="stepped tree-sum, holds, hogs, transport $transport"
	t0=$(date +%s%N)
	MPILOOM_TRANSPORT=$transport run_mpi 4 --step --keys "$keys" --record "$tmp/run.loom" tree-sum
	t1=$(date +%s%N)
	len_us=$(( (t1 - t0) / 1000 ))
	assert_eq "$rc" 0 "$what: exit status"
	assert_match '^# presses: 5, done 5$' "$what: the five steps"
	within_run "$out" "$what"
	run_plain dump "$tmp/run.loom"
	within_run "$out" "$what (dump)"
	echo "ok $what: every call within the run's $((len_us / 1000)) ms"
done
stop_hogs
