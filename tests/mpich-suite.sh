#!/bin/sh
# MPICH's own test suite (test/mpi of the installed MPICH's release), each
# program run plainly with mpiexec and then under `mpiloom run --text`: the
# traced run may not fail a test that the plain run passes, nor lose an
# event. Skipped unless tests/mpich-suite-get.sh built the suite in the
# build tree (.ci/run does that), or MPILOOM_MPICH_SUITE names another
# test/mpi tree it built. The folders are in
# tests/mpich-suite.list, each with the most ranks a test of it may need
# (default MPILOOM_SUITE_RANKS, 4; fewer where 2 cores make more too
# slow); a test needing more, or expected to fail (xfail=), is left out.
# Differences that are not mpiloom's fault go in tests/mpich-suite.known
# with the reason. MPILOOM_SUITE_LIST names another list;
# MPILOOM_SUITE_BUDGET=S stops starting tests after S seconds (default
# 2400, 0 for none; the ones left are counted, not failed), so that CI
# keeps within its time.
. "${top_srcdir:-.}/tests/lib.sh"

suite=${MPILOOM_MPICH_SUITE:-}
if [ -z "$suite" ]; then
	for d in "$top_builddir"/mpich-suite/mpich-*/test/mpi; do
		[ -f "$d/Makefile" ] && suite=$d
	done
fi
if [ -z "$suite" ]; then
	echo "SKIP: no MPICH test suite built (run tests/mpich-suite-get.sh in the build tree)"
	exit 77
fi
[ -d "$suite/pt2pt" ] || { echo "MPILOOM_MPICH_SUITE=$suite: no pt2pt folder there" >&2; exit 99; }
maxranks=${MPILOOM_SUITE_RANKS:-4}
list=${MPILOOM_SUITE_LIST:-$top_srcdir/tests/mpich-suite.list}
budget=${MPILOOM_SUITE_BUDGET:-2400}
known=$top_srcdir/tests/mpich-suite.known
report=${MPILOOM_SUITE_REPORT:-$top_builddir/tests/mpich-suite.report}
: >"$report"

# entries FOLDER MAX: "MAX folder name ranks key=val..." for each test
# of FOLDER's testlist; a line naming a subfolder (threads/) lists that
# one's.
entries() {
	[ -f "$suite/$1/testlist" ] || return 0
	sed -e 's/#.*//' "$suite/$1/testlist" | while read -r name rest; do
		[ -n "$name" ] || continue
		if [ -d "$suite/$1/$name" ]; then
			entries "$1/$name" "$2"
		else
			echo "$2 $1 $name $rest"
		fi
	done
}

# verdict FILE RC: how the run ended, as MPICH's runtests judges it.
verdict() {
	if [ "$2" -eq 0 ] && grep -q 'No Errors' "$1"; then
		echo pass
	elif [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
		echo timeout
	else
		echo "fail($2)"
	fi
}

# now_ms: the time in milliseconds
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

total=0
both=0
plainfail=0
diffs=0
knowns=0
overbudget=0
t0=$(date +%s)
plain_ms=0
traced_ms=0
entries_file=$tmp/entries
while read -r folder cap; do
	case $folder in '' | '#'*) continue ;; esac
	entries "$folder" "${cap:-$maxranks}"
done <"$list" >"$entries_file"

while read -r cap folder name ranks opts; do
	prog=$suite/$folder/$name
	[ -x "$prog" ] || continue
	case $ranks in '' | *[!0-9]*) continue ;; esac
	[ "$ranks" -le "$cap" ] && [ "$ranks" -le "$maxranks" ] || continue
	args=
	envs=
	mpiargs=
	limit=60
	skip=
	for o in $opts; do
		case $o in
		arg=*) args="$args ${o#arg=}" ;;
		env=*) envs="$envs ${o#env=}" ;;
		mpiexecarg=*) mpiargs="$mpiargs ${o#mpiexecarg=}" ;;
		timeLimit=*) limit=${o#timeLimit=} ;;
		xfail=* | resultTest=* | mem=*) skip=1 ;;
		esac
	done
	[ -z "$skip" ] || continue
	if [ "$budget" -gt 0 ] && [ $(($(date +%s) - t0)) -ge "$budget" ]; then
		overbudget=$((overbudget + 1))
		continue
	fi
	# a slow test on 2 cores at 4 ranks can take minutes, plainly too
	[ "$limit" -le 120 ] || limit=120
	id="$folder/$name -n $ranks$args${envs:+ [$envs ]}"
	total=$((total + 1))
	# as runtests does, from the program's folder (io writes files there)
	s=$(now_ms)
	rc=0
	(cd "$suite/$folder" && with_preload env $envs timeout -k 5 "$limit" "$MPIEXEC" -n "$ranks" $mpiargs "$prog" $args) \
		</dev/null >"$tmp/plain" 2>&1 || rc=$?
	p=$(verdict "$tmp/plain" "$rc")
	m=$(now_ms)
	plain_ms=$((plain_ms + m - s))
	if [ "$p" != pass ]; then
		# what a traced run may not do is fail a test that passes
		plainfail=$((plainfail + 1))
		echo "plain $p ($((m - s)) ms), not traced: $id" >>"$report"
		continue
	fi
	rc=0
	(cd "$suite/$folder" && with_preload env $envs timeout -k 5 "$((limit * 3))" "$MPILOOM" run -n "$ranks" --text $mpiargs -- "$prog" $args) \
		</dev/null >"$tmp/traced" 2>&1 || rc=$?
	t=$(verdict "$tmp/traced" "$rc")
	e=$(now_ms)
	traced_ms=$((traced_ms + e - m))
	result=$(sed -n 's/^# result: //p' "$tmp/traced" | tail -1)
	case $result in *' lost=0 '* | '') ;; *) t="$t, lost events" ;; esac
	if [ "$t" = pass ]; then
		both=$((both + 1))
		echo "pass both ways (plain $((m - s)) ms, traced $((e - m)) ms): $id" >>"$report"
	elif grep -qxF "$folder/$name" "$known" 2>/dev/null; then
		knowns=$((knowns + 1))
		echo "known: traced $t: $id" | tee -a "$report"
	else
		diffs=$((diffs + 1))
		echo "DIFFERENCE: plain passes, traced $t: $id" | tee -a "$report"
		sed -n '/No Errors/d; 1,12p' "$tmp/traced" | sed 's/^/    /'
	fi
done <"$entries_file"

echo "mpich-suite: $total tests (folder and most ranks: $(grep -v "^#" "$list" | tr "\n" "," | sed 's/,$//'))"
echo "mpich-suite: $both pass both ways, $plainfail fail plainly (not traced), $knowns known, $diffs differences"
[ "$overbudget" -eq 0 ] || echo "mpich-suite: $overbudget more not run: the time budget of $budget s was spent"
echo "mpich-suite_plain: $((plain_ms / 1000)) s"
echo "mpich-suite_traced: $((traced_ms / 1000)) s"
echo "mpich-suite_wall: $(($(date +%s) - t0)) s"
# the time each folder took, both runs together
sed -n 's/^pass both ways (plain \([0-9]*\) ms, traced \([0-9]*\) ms): \([^/ ]*\).*/\3 \1 \2/p' "$report" |
	awk '{ p[$1] += $2; t[$1] += $3; n[$1]++ } END { for (f in n) printf "mpich-suite_%s: %d tests, plain %.1f s, traced %.1f s\n", f, n[f], p[f] / 1000, t[f] / 1000 }' | sort
[ "$total" -gt 0 ] || { echo "FAIL: no test of the suite ran"; exit 1; }
[ "$diffs" -eq 0 ] || { echo "FAIL: $diffs tests that pass plainly fail traced (report: $report)"; exit 1; }
exit 0
