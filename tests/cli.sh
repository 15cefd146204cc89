#!/bin/sh
# The launcher: mpiloom typed in a shell starts mpiexec itself, with the
# binary it is, whatever way it was found; a missing mpiexec is reported.
. "${top_srcdir:-/work/main}/tests/lib.sh"

# Not under mpiexec, whatever ran this script; the configured mpiexec.
unset PMI_RANK PMI_FD PMI_SIZE PMIX_RANK OMPI_COMM_WORLD_RANK MPILOOM_MPIEXEC

# launched N: the run just made passed on N ranks.
launched() {
	assert_eq "$rc" 0 "exit status"
	check_text
	assert_match "^# result: gather ranks=$1 check=passed ok=$1/$1 " "no passing result on $1 ranks"
	assert_eq "$(result_text)" "data = $2" "result"
}

run_plain -n 3 --text gather
launched 3 "[1, 4, 9]"
echo "ok mpiloom -n 3 --text gather"

run_plain --text gather
launched 4 "[1, 4, 9, 16]"
echo "ok mpiloom --text gather: 4 ranks by default"

# Without --text, a standard output that is no terminal gets the text
# view: from the launcher and under mpiexec typed by hand; no escapes.
esc=$(printf '\033')
run_plain -n 2 gather
launched 2 "[1, 4]"
grep -q "$esc" "$out" && fail "escape sequences in the text view"
echo "ok mpiloom -n 2 gather > file: the text view"
cmd="$MPIEXEC -n 3 $MPILOOM gather"
rc=0
with_preload timeout -k 5 60 "$MPIEXEC" -n 3 "$MPILOOM" gather </dev/null >"$out" 2>"$err" || rc=$?
launched 3 "[1, 4, 9]"
grep -q "$esc" "$out" && fail "escape sequences in the text view under mpiexec"
echo "ok mpiexec -n 3 mpiloom gather > file: the text view"

# After the scenario, -- and options for mpiexec: a host file, a flag
# whose effect shows (hydra's -prepend-rank), one mpiexec refuses.
printf 'localhost:4\n' >"$tmp/hosts"
run_plain -n 2 --text gather -- -f "$tmp/hosts"
launched 2 "[1, 4]"
echo "ok mpiloom -n 2 --text gather -- -f hosts"
run_plain -n 2 --text gather -- -prepend-rank
assert_eq "$rc" 0 "-- -prepend-rank: exit status"
assert_match '^\[0\] # result: gather ranks=2 check=passed ' "-- -prepend-rank: mpiexec did not get it"
echo "ok mpiloom -n 2 --text gather -- -prepend-rank"
run_plain -n 2 --text gather -- -f "$tmp/no-such-hosts"
[ "$rc" -ne 0 ] || fail "-- -f a missing host file: exit status 0"
grep -q '^# result' "$out" && fail "-- -f a missing host file: the run happened"
echo "ok mpiloom gather -- -f missing: exit $rc"

# Found through PATH, and by a relative path from elsewhere.
cmd="PATH=$top_builddir/src:\$PATH mpiloom -n 2 --text gather"
rc=0
PATH=$top_builddir/src:$PATH with_preload timeout -k 5 60 mpiloom -n 2 --text gather </dev/null >"$out" 2>"$err" || rc=$?
launched 2 "[1, 4]"
echo "ok mpiloom found through PATH"

mkdir "$tmp/elsewhere"
ln -s "$MPILOOM" "$tmp/elsewhere/loom"
cmd="(cd $tmp && elsewhere/loom -n 2 --text gather)"
rc=0
(cd "$tmp" && with_preload timeout -k 5 60 elsewhere/loom -n 2 --text gather </dev/null) >"$out" 2>"$err" || rc=$?
launched 2 "[1, 4]"
echo "ok mpiloom through a relative symlink"

# The ranks' verdict comes back through mpiexec: one line, exit 2.
run_plain -n 1 --text probe
assert_eq "$rc" 2 "probe on 1 rank: exit status"
assert_eq "$(grep -c '' "$err")" 1 "probe on 1 rank: lines on stderr"
grep -q 'needs at least 2 ranks' "$err" || fail "probe on 1 rank: no reason"
echo "ok mpiloom -n 1 --text probe: exit 2"

for n in 0 -3 x ''; do
	run_plain -n "$n" --text gather
	assert_eq "$rc" 2 "-n '$n': exit status"
	assert_eq "$(cat "$err")" "mpiloom: -n must be a whole number from 1 to 4096, not '$n'" "-n '$n': stderr"
	[ ! -s "$out" ] || fail "-n '$n': stdout is not empty"
done
echo "ok bad -n refused"

cmd="MPILOOM_MPIEXEC=/nonexistent $MPILOOM -n 2 --text gather"
rc=0
MPILOOM_MPIEXEC=/nonexistent timeout -k 5 60 "$MPILOOM" -n 2 --text gather </dev/null >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 2 "a missing mpiexec: exit status"
assert_eq "$(grep -c '' "$err")" 1 "a missing mpiexec: lines on stderr"
grep -q '/nonexistent' "$err" || fail "a missing mpiexec: stderr does not name it"
[ ! -s "$out" ] || fail "a missing mpiexec: stdout is not empty"
echo "ok missing mpiexec: exit $rc, $(cat "$err")"
