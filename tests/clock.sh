#!/bin/sh
# Clocks aligned by ping-pong, as for ranks on other hosts, here forced on
# one host (MPILOOM_CLOCK_ESTIMATE=1): the recording says the offsets were
# estimated, and every invariant of the text view holds, no receive ending
# before its send began included: an estimate is off by up to half the
# worst round trip (oversubscribed ranks answer pings late: 8 ranks on 2
# cores give round trips of 10 ms), and the store moves a rank's times
# within that, as its messages show (man mpiloom, CLOCKS). The live text
# and the recording's dump agree, moves included.
# Events travel over MPI, as they would from other hosts.
# Without it one host's offsets are exact and nothing moves.
. "${top_srcdir:-/work/main}/tests/lib.sh"

MPILOOM_CLOCK_ESTIMATE=1 MPILOOM_TRANSPORT=mpi
export MPILOOM_CLOCK_ESTIMATE MPILOOM_TRANSPORT
for n in 2 3 5 8; do
	for s in tree-sum linear-sum status; do
		run_mpi "$n" "$s" --record "$tmp/run.loom"
		assert_eq "$rc" 0 "$s on $n ranks: exit status"
		cp "$out" "$tmp/text"
		run_plain info "$tmp/run.loom"
		assert_eq "$rc" 0 "info: exit status"
		assert_match '^clock: several hosts, offsets from ping-pong \(worst round trip [0-9.]+(ns|us|ms|s)\)$' \
			"$s on $n ranks: the offsets were not estimated"
		awk -f "$CHECK_TEXT" "$tmp/text" 2>"$tmp/check" ||
			fail "$s on $n ranks: $(sed -n '1,5p' "$tmp/check")"
		run_plain dump "$tmp/run.loom"
		assert_eq "$rc" 0 "dump: exit status"
		cmp -s "$out" "$tmp/text" || fail "$s on $n ranks: dump differs from the live text"
		echo "ok $s on $n ranks, clocks estimated"
	done
done

unset MPILOOM_CLOCK_ESTIMATE MPILOOM_TRANSPORT
run_mpi 3 tree-sum --record "$tmp/run.loom"
assert_eq "$rc" 0 "exit status"
check_text
run_plain info "$tmp/run.loom"
assert_match '^clock: one host, offsets exact$' "one host: offsets not exact"
echo "ok one host, offsets exact"
