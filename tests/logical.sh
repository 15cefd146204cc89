#!/bin/sh
# Logical time (--steps): every scenario at 1 to 8 ranks and the programs
# in tests/programs keep the layout's rules (tests/check-steps.awk: each
# rank's order, every receive right of its send, a world collective in
# one column), and the same log gives the same steps every time: the live
# text, and the recording's dump twice.
. "${top_srcdir:-/work/main}/tests/lib.sh"

CHECK_STEPS=$top_srcdir/tests/check-steps.awk

steps_ok() {
	awk -f "$CHECK_STEPS" "$1" >"$tmp/bad" 2>&1 || fail "$2: $(sed -n '1,4p' "$tmp/bad")"
}

# same_dump WHAT: the recording's dump --steps twice, equal to $tmp/live
same_dump() {
	run_plain dump --steps "$tmp/run.loom"
	assert_eq "$rc" 0 "$1: dump exit status"
	cp "$out" "$tmp/dump1"
	run_plain dump --steps "$tmp/run.loom"
	cmp -s "$out" "$tmp/dump1" || fail "$1: two dumps of one log differ"
	grep -v '^#' "$tmp/dump1" >"$tmp/d"
	grep -v '^#' "$tmp/live" >"$tmp/l"
	cmp -s "$tmp/d" "$tmp/l" || fail "$1: dump differs from the live text: $(diff "$tmp/l" "$tmp/d" | head -4)"
}

for s in $("$MPILOOM" list | awk '{ print $1 }'); do
	for n in 1 2 3 4 5 6 7 8; do
		what="$s at $n ranks"
		extra=
		[ "$s" = compare ] && extra="--reps 2"
		run_mpi "$n" --steps --record "$tmp/run.loom" $extra "$s"
		[ "$rc" -eq 2 ] && continue # the scenario needs more ranks
		assert_eq "$rc" 0 "$what: exit status"
		cp "$out" "$tmp/live"
		steps_ok "$tmp/live" "$what"
		same_dump "$what"
	done
	echo "ok $s at 1-8 ranks"
done

# the textbook's collectives: a binomial broadcast's rounds in columns
run_mpi 8 --steps --collectives textbook --record "$tmp/run.loom" bcast
assert_eq "$rc" 0 "textbook bcast: exit status"
cp "$out" "$tmp/live"
steps_ok "$tmp/live" "textbook bcast"
same_dump "textbook bcast"
for level in 0 1 2; do
	n=$(grep ' send .*comm=65535 level='"$level"' ' "$out" | sed 's/.* step=\([0-9]*\).*/\1/' |
		sort -u | wc -l)
	[ "$n" -eq 2 ] || fail "textbook bcast: the sends of level $level are in $n columns, not 2 (one a broadcast)"
done
echo "ok textbook broadcast: each round's sends in one column"

programs=$top_builddir/tests/programs
for p in ring pi halo master-worker split icoll neighbor mprobe; do
	for n in 2 3 4; do
		run_plain run -n "$n" --text --steps -- "$programs/$p"
		assert_eq "$rc" 0 "$p at $n ranks: exit status"
		grep -v '^\[std' "$out" >"$tmp/live"
		steps_ok "$tmp/live" "$p at $n ranks"
	done
	echo "ok $p at 2-4 ranks"
done

# the default text is unchanged: no step without --steps
run_mpi 2 tree-sum
grep -q 'step=' "$out" && fail "step= without --steps"
echo "ok no step= by default"
