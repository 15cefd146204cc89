#!/bin/sh
# Lecture mode without a screen: --step --keys presses n (or r) as a
# person would, each once the ranks have settled. After k presses exactly
# k steps have completed, in the same order on every run; the run then
# goes on freely and its result is the plain run's. Textbook collectives
# give the native ones' results at 1 to 8 ranks.
. "${top_srcdir:-.}/tests/lib.sh"

# steps_ok K: K "# press" lines, step i with i-1 steps done before it,
# and all K done at the end.
steps_ok() {
	k=$1
	[ "$(grep -c '^# press [0-9]' "$out")" -eq "$k" ] || fail "$what: not $k step lines"
	awk -v what="$what" '/^# press [0-9]+ / {
		i = $3 + 0; split($0, a, "done before="); d = a[2] + 0
		if (d != i - 1) { print what ": step " i " had " d " steps done before it"; bad = 1 }
	} END { exit bad }' "$out" >"$tmp/steps" || fail "$(cat "$tmp/steps")"
	assert_match "^# presses: $k, done $k$" "$what: all $k steps done"
}

presses() {
	i=0 keys=
	while [ "$i" -lt "$1" ]; do keys="${keys}n"; i=$((i + 1)); done
	echo "$keys"
}

# k presses, k completed calls, the same calls in the same order twice
for p in 2 3 4 5 8; do
	k=$((p - 1))
	what="tree-sum at $p ranks, $k presses"
	run_mpi "$p" --step --keys "$(presses $k)" tree-sum
	assert_eq "$rc" 0 "$what: exit status"
	check_text
	steps_ok "$k"
	assert_match "^# result: tree-sum ranks=$p check=passed" "$what: result"
	grep '^# press' "$out" >"$tmp/first"
	run_mpi "$p" --step --keys "$(presses $k)" tree-sum
	grep '^# press' "$out" >"$tmp/second"
	cmp -s "$tmp/first" "$tmp/second" || fail "$what: another order the second time: $(diff "$tmp/first" "$tmp/second" | head -4)"
done

# the first press in tree-sum lets a send go (rank 0's receive could not
# complete first), the second the receive it feeds
run_mpi 4 --step --keys nn tree-sum
assert_match '^# press 1 n: r1 #1 send peer=0 tag=0 ' "first step: r1's send"
assert_match '^# press 2 n: r0 #1 recv peer=1 tag=0 ' "second step: r0's receive of it"

# the probe scenario step by step: send, probe, receive
what="probe, 3 presses"
run_mpi 2 --step --keys nnn probe --count 5
steps_ok 3
assert_match '^# press 2 n: r1 #1 probe' "$what: the probe is the second step"
assert_match '^# result: probe ranks=2 check=passed .*count=5' "$what: result"

# r: every held rank's call at once
what="tree-sum, a round"
run_mpi 4 --step --keys r tree-sum
assert_match '^# press 1 r: r0 #1 recv .* ranks=4 ' "$what: all four ranks let go"
assert_match '^# result: tree-sum ranks=4 check=passed' "$what: result"

# textbook collectives, stepped: every internal message a step
what="textbook bcast at 5 ranks"
run_mpi 5 --step --collectives textbook --keys "$(presses 40)" bcast
assert_eq "$rc" 0 "$what: exit status"
assert_match '^# press [0-9]+ n: r[0-9] #[0-9]+ send peer=[0-9] tag=[0-9]' "$what: a send is a step"
assert_match '^# result: bcast ranks=5 check=passed .* messages=8 ' "$what: 2 broadcasts of 4 messages"

# native collectives: one press lets the collective go on every rank
run_mpi 5 --step --keys n gather
assert_match '^# press 1 n: r0 #1 gather peer=0 ranks=5 ' "native gather: one step, five ranks"

# textbook, linear and native collectives agree, 1 to 8 ranks, any root
for s in bcast gather scatter reduce; do
	for p in 1 2 3 4 5 6 7 8; do
		root=$(( (p - 1) / 2 ))
		run_mpi "$p" --root "$root" "$s"
		assert_eq "$rc" 0 "$s at $p ranks, native"
		native=$(result_text)
		for mode in textbook linear; do
			run_mpi "$p" --root "$root" --collectives "$mode" "$s"
			assert_eq "$rc" 0 "$s at $p ranks, $mode"
			check_text
			assert_eq "$(result_text)" "$native" "$s at $p ranks: $mode result"
			[ "$p" -gt 1 ] || continue
			# the internal messages are messages: matched, drawn; a
			# linear collective is p-1 of them (bcast has two)
			assert_match "^# result: $s ranks=$p check=passed .* messages=[1-9][0-9]* unmatched=0 " \
				"$s at $p ranks: $mode messages matched"
			if [ "$mode" = linear ] && [ "$s" != bcast ]; then
				assert_match " messages=$((p - 1)) " "$s at $p ranks: linear, p-1 messages"
			fi
		done
	done
done

# bad values are refused before anything runs
run_plain -n 2 --collectives fancy bcast
assert_eq "$rc" 2 "--collectives fancy: exit status"
grep -q "collectives is native, textbook or linear" "$err" || fail "--collectives fancy: no reason given"

# the tree gather: at 8 ranks the subtrees hand on 1, 2 and 4 blocks
run_mpi 8 --collectives textbook --root 3 gather
assert_eq "$(grep -c ' send dest=[0-9] tag=[0-9] count=4 ' "$out")" 1 "tree gather: one send of 4 blocks"
assert_eq "$(grep -c ' send dest=[0-9] tag=[0-9] count=2 ' "$out")" 2 "tree gather: two sends of 2 blocks"

echo "step: ok"
