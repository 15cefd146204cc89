#!/bin/sh
# Tracing never changes what a program does: each program runs plain
# under mpiexec and then under `mpiloom run --text`, at several rank
# counts; its exit status and its own output (sorted: ranks interleave)
# must be the same both ways, and the trace complete (lost=0). The
# programs hold what once crashed only when traced: intercommunicator
# collectives with NULL counts where they are not significant, derived
# and zero-size datatypes on every receive path, a datatype and a
# communicator freed while a receive that uses them is pending, and every
# non-blocking and neighbourhood collective (each completed request
# linked to its posting), and matched probes (MPI_Mprobe, MPI_Improbe)
# matched as MPI matches them.
. "${top_srcdir:-.}/tests/lib.sh"

progs=$top_builddir/tests/programs

plain() { # N PROG ARGS...
	_n=$1
	shift
	prc=0
	with_preload timeout -k 5 60 "$MPIEXEC" -n "$_n" "$@" </dev/null >"$tmp/plain" 2>&1 || prc=$?
	[ "$prc" -ne 124 ] || fail "plain $* at $_n ranks timed out"
	sort "$tmp/plain" >"$tmp/plain.sorted"
}

traced() { # N PROG ARGS...
	_n=$1
	shift
	cmd="$MPILOOM run -n $_n --text -- $*"
	rc=0
	with_preload timeout --preserve-status -s KILL 90 "$MPILOOM" run -n "$_n" --text -- "$@" \
		</dev/null >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 137 ] || fail "timed out"
	sed -n 's/^\[stdout\] //p; s/^\[stderr\] //p' "$out" | sort >"$tmp/traced.sorted"
}

# icoll_traced N: every collective kind is there on each rank, and each
# rank's 25 non-blocking postings are each completed by a Wait or Test
# that names it (done=#seq on the posting)
icoll_traced() {
	for k in ibarrier ibcast ireduce iscatter igatherv iscatterv igather iallreduce iscan \
		iexscan ialltoall iallgather iallgatherv ialltoallv ireduce_scatter_block \
		ireduce_scatter reduce_scatter_block reduce_scatter scan exscan; do
		[ "$(grep -c " r[0-9]* #[0-9]* $k " "$out")" -ge "$1" ] || fail "icoll at $1 ranks: fewer than $1 $k events"
	done
	posted=$(grep -c ' #[0-9]* i[a-z_]* .*done=#' "$out")
	[ "$posted" -eq $((25 * $1)) ] || fail "icoll at $1 ranks: $posted postings completed, not $((25 * $1))"
	grep -q ' done=-' "$out" && fail "icoll at $1 ranks: a posting never completed: $(grep -m1 ' done=-' "$out")"
}

# neighbor_traced N: the ten neighbourhood collectives on each rank, the
# five non-blocking ones each completed by its Wait
neighbor_traced() {
	for k in neighbor_allgather neighbor_allgatherv neighbor_alltoall neighbor_alltoallv \
		neighbor_alltoallw; do
		[ "$(grep -c " r[0-9]* #[0-9]* $k " "$out")" -eq "$1" ] || fail "neighbor at $1 ranks: not $1 $k events"
		[ "$(grep -c " r[0-9]* #[0-9]* i$k done=#" "$out")" -eq "$1" ] || fail "neighbor at $1 ranks: not $1 completed i$k postings"
	done
}

# mprobe_traced N: each sender's first tag-5 message is the one its
# Mprobe took, received by the Mrecv; the Recv between them gets the
# second (MPI's rule, which matching where the probe was gives); the
# Improbe's message arrives at the Wait of its Imrecv
mprobe_traced() {
	s=1
	while [ "$s" -lt "$1" ]; do
		assert_match "^ *[0-9.]+ r0 #[0-9]+ mrecv req=#[0-9]+ source=$s tag=5 .* msg=$s\.1 " "mprobe at $1 ranks: rank $s's first message at the Mrecv"
		assert_match "^ *[0-9.]+ r0 #[0-9]+ recv source=$s tag=5 .* msg=$s\.2 " "mprobe at $1 ranks: rank $s's second message at the Recv"
		assert_match "^ *[0-9.]+ r0 #[0-9]+ wait req=#[0-9]+ source=ANY tag=6 .* msg=$s\.3 " "mprobe at $1 ranks: rank $s's tag-6 message at the Imrecv's Wait"
		s=$((s + 1))
	done
	assert_match '^# result: .* unmatched=0 ' "mprobe at $1 ranks: every message matched"
}

for p in intercomm dtypes freed icoll neighbor mprobe; do
	for n in 2 3 4 5; do
		plain "$n" "$progs/$p"
		grep -q ' ok$' "$tmp/plain" || fail "$p at $n ranks: the plain run checked nothing"
		grep -q 'WRONG' "$tmp/plain" && fail "$p at $n ranks: wrong even without tracing"
		traced "$n" "$progs/$p"
		assert_eq "$rc" "$prc" "$p at $n ranks: exit status traced vs plain"
		cmp -s "$tmp/plain.sorted" "$tmp/traced.sorted" ||
			fail "$p at $n ranks: output differs: $(diff "$tmp/plain.sorted" "$tmp/traced.sorted" | head -5)"
		assert_match '^# result: .* lost=0 ' "$p at $n ranks: nothing lost"
		[ "$p" != freed ] || assert_match '^# result: .* unmatched=0 ' "$p at $n ranks: every message matched"
		[ "$p" != icoll ] || icoll_traced "$n"
		[ "$p" != neighbor ] || neighbor_traced "$n"
		[ "$p" != mprobe ] || mprobe_traced "$n"
		echo "ok $p -n $n: same status ($rc) and output traced"
	done
done
