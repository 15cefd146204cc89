#!/bin/sh
# Events reach rank 0 through shared memory when every rank runs on its
# host, and over MPI (batches from a thread on each rank) when they do not.
# One host shows the second only when MPILOOM_TRANSPORT=mpi forces it:
# the scenarios then pass with no event lost, lecture stepping (step.sh)
# and crashed, aborted and deadlocked ranks (run.sh) work as they do in
# shared memory. A preloaded program keeps its own thread level in shared
# memory, and no segment is left behind in /dev/shm. MPILOOM_RESERVE_EVENTS
# sizes rank 0's store up front.
. "${top_srcdir:-.}/tests/lib.sh"

progs=$top_builddir/tests/programs
[ -x "$progs/level" ] || { echo "no $progs/level: make check builds it" >&2; exit 99; }

# the names, not a count: runs outside this test may come and go
segments() {
	ls /dev/shm 2>/dev/null | grep '^mpiloom\.' | sort
}
segments >"$tmp/shm-before"

# a stale segment of a run killed at start-up (its rank 0 gone, older
# than any start-up) is removed by the next run
sh -c 'exit 0' &
dead=$!
wait "$dead"
stale=/dev/shm/mpiloom.$dead.1
if kill -0 "$dead" 2>/dev/null; then
	echo "skip: stale segment (pid $dead taken again)"
elif : >"$stale" && touch -d '-5 minutes' "$stale"; then
	run_mpi 2 tree-sum
	assert_eq "$rc" 0 "tree-sum with a stale segment: exit status"
	[ ! -e "$stale" ] || fail "the stale segment $stale is still there"
	echo "ok a stale segment is removed"
fi

for t in shm mpi; do
	MPILOOM_TRANSPORT=$t
	export MPILOOM_TRANSPORT
	for n in 1 2 3 5; do
		for s in "tree-sum --count 1000" gather "probe --count 1000"; do
			case "$s" in probe*) [ "$n" -ge 2 ] || continue ;; esac
			# shellcheck disable=SC2086 # the scenario and its options
			run_mpi "$n" $s
			assert_eq "$rc" 0 "$s on $n ranks over $t: exit status"
			check_text
			assert_match '^# result: .* check=passed .* lost=0 .* unmatched=0 ' \
				"$s on $n ranks over $t: result"
			echo "ok $s on $n ranks over $t"
		done
	done
done
unset MPILOOM_TRANSPORT

# rank 0's store reserved up front, or not, or told nonsense (a warning)
for r in 0 65536 lots; do
	MPILOOM_RESERVE_EVENTS=$r
	export MPILOOM_RESERVE_EVENTS
	run_mpi 3 tree-sum
	assert_eq "$rc" 0 "MPILOOM_RESERVE_EVENTS=$r: exit status"
	check_text
	if [ "$r" = lots ]; then
		grep -q '^mpiloom: MPILOOM_RESERVE_EVENTS is not a count from 0 to [0-9]*: reserving [0-9]* events$' "$err" ||
			fail "MPILOOM_RESERVE_EVENTS=lots: no warning"
	elif grep -q RESERVE "$err"; then
		fail "MPILOOM_RESERVE_EVENTS=$r: warned"
	fi
	echo "ok MPILOOM_RESERVE_EVENTS=$r"
done
unset MPILOOM_RESERVE_EVENTS

# thread levels: only MPI shipping needs MPI_THREAD_MULTIPLE
for t in shm:funneled mpi:multiple; do
	MPILOOM_TRANSPORT=${t%:*}
	export MPILOOM_TRANSPORT
	cmd="$MPILOOM run -n 3 --text -- level (over ${t%:*})"
	rc=0
	with_preload timeout -k 5 60 "$MPILOOM" run -n 3 --text -- "$progs/level" \
		</dev/null >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 0 "level over ${t%:*}: exit status"
	assert_match "^\[stdout\] level: ${t#*:}$" "level over ${t%:*}: thread level"
	echo "ok thread level over ${t%:*}: ${t#*:}"
done
unset MPILOOM_TRANSPORT

# no room for the segment (a private /dev/shm of 16 MiB, where MPICH's
# own shared memory fits and three rings of 1.5 MiB do not, once MPICH has
# taken its part): mpiloom says so and ships over MPI; a program started for
# one host is not traced, and says so. Needs root and mount namespaces:
# skipped without them, or when MPICH itself cannot start there.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	cmd="tree-sum on 3 ranks with a full /dev/shm"
	rc=0
	with_preload timeout -k 5 60 unshare -m sh -c 'mount -t tmpfs -o size=16M tmpfs /dev/shm &&
		exec "$0" -n 3 "$1" --text tree-sum' "$MPIEXEC" "$MPILOOM" </dev/null >"$out" 2>"$err" || rc=$?
	if grep -q '^mpiloom: no shared memory for the events (No space left on device)$' "$err"; then
		assert_eq "$rc" 0 "full /dev/shm: exit status"
		check_text
		assert_match '^# result: .* check=passed .* lost=0 ' "full /dev/shm: result"
		echo "ok full /dev/shm: events over MPI"
	else
		echo "skip: full /dev/shm (no such failure here, exit $rc)"
	fi
else
	echo "skip: full /dev/shm (needs root and unshare -m)"
fi

MPILOOM_TRANSPORT=mpi
export MPILOOM_TRANSPORT
for script in step run; do
	cmd="MPILOOM_TRANSPORT=mpi tests/$script.sh"
	rc=0
	sh "$top_srcdir/tests/$script.sh" >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 0 "$script.sh over MPI"
	grep -q ok "$out" || fail "$script.sh over MPI said nothing"
	echo "ok $script.sh over MPI"
done

segments >"$tmp/shm-after"
left=$(comm -13 "$tmp/shm-before" "$tmp/shm-after" | while read -r name; do
	# one of this test's ranks' pids: a run of another test may be starting
	pid=${name#mpiloom.}
	pid=${pid%%.*}
	kill -0 "$pid" 2>/dev/null || echo "$name"
done)
[ -z "$left" ] || fail "segments left in /dev/shm: $left"
echo "ok nothing left in /dev/shm"
