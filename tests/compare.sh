#!/bin/sh
# The homework's comparison: every way's sum is checked (compare fails
# its check otherwise) at 1 to 16 ranks, powers of two or not, scalar and
# vector; the table has every way and every rank; the verdict names one
# of the ways and gives a reason with the measured numbers.
. "${top_srcdir:-.}/tests/lib.sh"

ways='linear tree reduce allreduce'

check_compare() {
	p=$1
	shift
	run_mpi "$p" compare --reps 2 "$@"
	assert_eq "$rc" 0 "compare at $p ranks $*"
	assert_match "^# result: compare ranks=$p check=passed ok=$p/$p " "check at $p ranks"
	for w in $ways; do
		assert_match "^# $w +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ " "table row $w"
		line=$(grep -E "^#   $w " "$out") || fail "no per-rank line for $w"
		r=0
		while [ "$r" -lt "$p" ]; do
			echo "$line" | grep -q " r$r=[0-9]" || fail "$w: no time for rank $r"
			r=$((r + 1))
		done
		echo "$line" | grep -q " r$p=" && fail "$w: a rank too many"
	done
	# the bar chart: one line per rank, four bars each, the longest full
	[ "$(grep -Ec '^# r[0-9]+ +#' "$out")" -eq "$p" ] || fail "chart: not one line per rank"
	assert_match '^# r[0-9]+ .*##########' "chart: no full bar"
	assert_match "\| (linear|tree|reduce|allreduce) is fastest at $p ranks and [0-9]+ double\(s\): [0-9.]+ us \(" "verdict"
	# a library call that wins is measured against the faster way by hand
	if grep -Eq '\| (reduce|allreduce) is fastest' "$out"; then
		assert_match "MPI_(Reduce|Allreduce) takes [0-9.]+x the time of the faster way by hand \((linear|tree), [0-9.]+ us\)" \
			"the library's win, in numbers"
	fi
	if [ "$p" -gt 1 ]; then
		assert_match "\| .*(receives in a row|rounds|bytes a message|takes [0-9.]+x|same single message \\([0-9.]+ and [0-9.]+ us\\))" "reason with numbers"
		assert_match "^# tree .* $(awk -v p="$p" 'BEGIN { l = 0; while (2 ^ l < p) l++; print l }') levels " \
			"tree levels = ceil(log2 p)"
		assert_match "^# linear .* $((p - 1)) receives in a row " "linear: p-1 receives"
	fi
}

p=1
while [ $p -le 16 ]; do
	check_compare $p
	echo "ok compare $p ranks"
	check_compare $p --count 1000
	echo "ok compare $p ranks, 1000 doubles"
	p=$((p + 1))
done
for p in 3 7 16; do
	check_compare $p --count 1000 --root $((p - 1))
	echo "ok compare $p ranks, 1000 doubles, root $((p - 1))"
done

# options only compare takes
run_mpi 3 --reps 5 gather
assert_eq "$rc" 2 "--reps on gather"
run_mpi 3 --reps 0 compare
assert_eq "$rc" 2 "--reps 0"
echo "ok compare options"
