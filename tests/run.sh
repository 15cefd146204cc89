#!/bin/sh
# mpiloom run: ordinary MPI programs (tests/programs/, built with mpicc and
# not linked with mpiloom) traced through LD_PRELOAD, --text, at several
# rank counts: every message matched, the program's output captured and
# set apart, an abort's and a crash's events kept and the dead rank named,
# a deadlock ended by --timeout, bad programs refused before mpiexec.
. "${top_srcdir:-.}/tests/lib.sh"

progs=$top_builddir/tests/programs
for p in ring pi abort deadlock crash; do
	[ -x "$progs/$p" ] || { echo "no $progs/$p: make check builds it" >&2; exit 99; }
done

# trace N ARGS...: mpiloom run -n N --text ARGS under an outer limit.
trace() {
	_n=$1
	shift
	cmd="$MPILOOM run -n $_n --text $*"
	rc=0
	# KILL with its status kept: 124 is mpiloom's own for --timeout
	with_preload timeout --preserve-status -s KILL 60 "$MPILOOM" run -n "$_n" --text "$@" \
		</dev/null >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 137 ] || fail "timed out after 60 s"
}

# events_only: $out without the program's output and fault lines, for
# check-text.awk.
events_only() {
	grep -v -e '^\[stdout\] ' -e '^\[stderr\] ' -e '^# fault: ' -e '^# pending: ' "$out" >"$tmp/events"
	awk -f "$CHECK_TEXT" "$tmp/events" 2>"$tmp/check" ||
		fail "check-text.awk: $(sed -n '1,10p' "$tmp/check")"
}

count() {
	grep -Ec -- "$1" "$out"
}

for n in 2 3 4 5; do
	# ring, 2 rounds: 2n messages, all matched; output captured
	trace "$n" -- "$progs/ring" 2
	assert_eq "$rc" 0 "ring -n $n: exit status"
	events_only
	assert_match "^# result: .* ranks=$n check=passed ok=$n/$n .* messages=$((2 * n)) unmatched=0 " "ring -n $n: result"
	assert_match "^\[stdout\] ring: token $((n * (n - 1))) after 2 round\(s\) of $n ranks$" "ring -n $n: stdout"
	assert_eq "$(count '^\[stderr\] ring: rank [0-9]+ done$')" "$n" "ring -n $n: stderr lines"
	echo "ok ring -n $n"

	# pi: one bcast and one reduce per rank, the estimate printed
	trace "$n" -- "$progs/pi" 20000
	assert_eq "$rc" 0 "pi -n $n: exit status"
	events_only
	assert_eq "$(count ' r[0-9]+ #[0-9]+ bcast ')" "$n" "pi -n $n: bcasts"
	assert_eq "$(count ' r[0-9]+ #[0-9]+ reduce ')" "$n" "pi -n $n: reduces"
	assert_match "^\[stdout\] pi: 3\.[0-9]+ from $((20000 * n)) samples on $n ranks$" "pi -n $n: stdout"
	echo "ok pi -n $n"

	# abort: rank 1's receive and its abort are kept, and named
	trace "$n" -- "$progs/abort"
	assert_eq "$rc" 7 "abort -n $n: exit status (the abort's error code, as plain mpiexec gives)"
	assert_match '^ +[0-9.]+ r0 #1 send dest=1 .* msg=0\.1 ' "abort -n $n: rank 0's send kept"
	assert_match '^ +[0-9.]+ r1 #1 recv source=0 .* msg=0\.1 ' "abort -n $n: rank 1's receive kept"
	assert_match '^ +[0-9.]+ r1 #3 abort errorcode=7 ' "abort -n $n: the abort kept"
	assert_match '^# fault: rank 1 called MPI_Abort \(error code 7\)$' "abort -n $n: named"
	assert_match '^\[stdout\] abort: rank 1 gives up$' "abort -n $n: stdout"
	assert_match '^# result: .* check=failed ' "abort -n $n: result"
	echo "ok abort -n $n"

	# crash: the last rank's send survives its SIGSEGV
	last=$((n - 1))
	trace "$n" -- "$progs/crash"
	# the sanitizer build preloads ASan into the program, which catches
	# the SIGSEGV and exits 1: plain runs then give 1 too
	# (and mpiexec may report first a rank it killed while cleaning up: 9)
	if [ -n "${MPILOOM_TEST_PRELOAD:-}" ]; then
		case $rc in 1 | 9) ;; *) fail "crash -n $n: exit $rc under the sanitizer runtime" ;; esac
	else
		assert_eq "$rc" 11 "crash -n $n: exit status (the signal, as plain mpiexec gives)"
	fi
	assert_match "^ +[0-9.]+ r$last #1 send dest=0 tag=5 .* msg=$last\.1 " "crash -n $n: send kept"
	assert_match "^# fault: rank $last \(pid [0-9]+\) crashed: signal 11 " "crash -n $n: named"
	echo "ok crash -n $n"
done

# deadlock: --timeout ends it; what came before (the barrier, the output)
# is shown, and the receives each of ranks 0 and 1 is blocked in
for n in 2 3; do
	trace "$n" --timeout 4 -- "$progs/deadlock"
	assert_eq "$rc" 124 "deadlock -n $n: exit status (--timeout)"
	assert_match '^# fault: stopped after the time limit of 4 s \(--timeout\)$' "deadlock -n $n: time limit"
	assert_eq "$(count ' r[0-9]+ #1 barrier ')" "$n" "deadlock -n $n: barriers"
	assert_match '^\[stdout\] deadlock: rank 0 \(pid [0-9]+\) receives from rank 1 first$' "deadlock -n $n: rank 0's output"
	assert_match '^\[stdout\] deadlock: rank 1 \(pid [0-9]+\) receives from rank 0 first$' "deadlock -n $n: rank 1's output"
	assert_match '^# fault: rank 0 did not reach MPI_Finalize' "deadlock -n $n: rank 0 named"
	# who waits for whom (the trace layer reports a call blocked 300 ms)
	assert_match '^# pending: rank 0 is blocked in recv from rank 1, tag 0$' "deadlock -n $n: rank 0 pending"
	assert_match '^# pending: rank 1 is blocked in recv from rank 0, tag 0$' "deadlock -n $n: rank 1 pending"
	echo "ok deadlock -n $n"
done

# a rank killed from outside (SIGKILL: no handler runs): mpiexec's report
# names a process by pid, which the init events turn into a rank (mpiexec
# may name a rank it killed itself while cleaning up; rank 0 writes its
# log as soon as every rank's init event came, so even an early kill
# finds them there)
cmd="$MPILOOM run -n 3 --text --timeout 50 -- deadlock, rank 1 killed"
rc=0
# emptied here, not by the job's redirection: the loop below would read
# the previous run's pid before the job got to it
: >"$out"
with_preload timeout -k 5 60 "$MPILOOM" run -n 3 --text --timeout 50 -- "$progs/deadlock" \
	</dev/null >"$out" 2>"$err" &
bg=$!
deadline=$(($(date +%s) + 40))
victim=
while [ -z "$victim" ] && [ "$(date +%s)" -le "$deadline" ]; do
	victim=$(sed -n 's/^\[stdout\] deadlock: rank 1 (pid \([0-9]*\)).*/\1/p' "$out")
	[ -n "$victim" ] || sleep 0.1
done
[ -n "$victim" ] || fail "rank 1 never said its pid"
kill -9 "$victim"
wait "$bg" || rc=$?
assert_eq "$rc" 9 "killed rank: exit status (mpiexec's: the signal)"
assert_match '^# fault: mpiexec reports: rank [0-2] \(pid [0-9]+\) killed by signal 9 \(Killed\)$' "killed rank: named"
grep -q 'no MPI calls were traced' "$err" && fail "killed rank: said nothing was traced"
echo "ok killed rank"

# the program's own exit status comes through untouched (plain mpiexec
# gives the first failing rank's: 255 here)
trace 2 -- "$progs/exit-status" 255
assert_eq "$rc" 255 "exit-status 255: passed through"
# a rank's exit(3) before MPI_Finalize: mpiexec reports 3, or 9 when it
# sees first a rank it killed itself while cleaning up (plain runs too);
# the sanitizer build's LeakSanitizer would end that rank 1 for MPICH's
# memory left at exit, which is not what this checks
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 trace 3 -- "$progs/exit-status" 3 nofinalize
case $rc in 3 | 9) ;; *) fail "exit(3) without MPI_Finalize: exit $rc, not mpiexec's 3 or 9" ;; esac
# whatever mpiexec says, the first fault line names the rank that left
# and how (its exit handler's event), not one mpiexec killed cleaning up
assert_eq "$(sed -n '/^# fault: /{p;q;}' "$out")" "# fault: rank 2 called exit(3) before MPI_Finalize" \
	"exit(3) without MPI_Finalize: the first fault line"
assert_match '^ *[0-9.]+ r2 #1 exit status=3 ' "exit(3) without MPI_Finalize: the event"
echo "ok exit statuses passed through"

# --record: the recording dumps to exactly what --text printed, output
# included; info counts the output lines
log=$tmp/ring.loom
trace 3 --record "$log" -- "$progs/ring" 1
assert_eq "$rc" 0 "ring --record"
cp "$out" "$tmp/live"
with_preload "$MPILOOM" dump "$log" >"$out" 2>"$err" || fail "dump exited $?"
cmp -s "$tmp/live" "$out" || fail "dump differs from the --text run"
with_preload "$MPILOOM" info "$log" >"$out" 2>"$err" || fail "info exited $?"
assert_match '^output: 4 lines ' "info: output lines"
assert_match '^health: complete' "info: health"
echo "ok record"

# a deadlock's recording dumps to what --text printed, pending calls too
trace 2 --timeout 4 --record "$log" -- "$progs/deadlock"
assert_eq "$rc" 124 "deadlock --record"
cp "$out" "$tmp/live"
with_preload "$MPILOOM" dump "$log" >"$out" 2>"$err"
cmp -s "$tmp/live" "$out" || fail "deadlock: dump differs from the --text run"
assert_match '^# pending: rank 1 is blocked in recv from rank 0, tag 0$' "deadlock: dump's pending"
echo "ok record deadlock"

# an abort's recording is a whole log too
trace 3 --record "$log" -- "$progs/abort"
assert_eq "$rc" 7 "abort --record"
cp "$out" "$tmp/live"
with_preload "$MPILOOM" dump "$log" >"$out" 2>"$err" || fail "dump of the abort exited $?"
cmp -s "$tmp/live" "$out" || fail "abort: dump differs from the --text run"
echo "ok record abort"

# bad programs: refused before mpiexec starts, exit 2
trace 2 -- "$tmp/no-such-program"
assert_eq "$rc" 2 "missing program"
grep -q "^mpiloom: cannot run $tmp/no-such-program: No such file or directory$" "$err" || fail "missing program: message"
: >"$tmp/plain"
trace 2 -- "$tmp/plain"
assert_eq "$rc" 2 "not executable"
grep -q "^mpiloom: cannot run $tmp/plain: not executable$" "$err" || fail "not executable: message"
trace 2 -- no-such-program-in-path
assert_eq "$rc" 2 "not in PATH"
trace 2
assert_eq "$rc" 2 "no program"
grep -q "no program given" "$err" || fail "no program: message"
echo "ok bad programs"

# trace_not_mpi N ARGS...: trace, for a program that never starts MPI;
# MPICH's mpiexec itself dies of SIGPIPE now and then on such programs
# before passing on their output (plain runs too: 8 of 200 here), so
# that run is tried again, up to 5 times
trace_not_mpi() {
	_try=1
	trace "$@"
	while [ "$rc" -eq 141 ] && [ "$_try" -lt 5 ]; do
		_try=$((_try + 1))
		trace "$@"
	done
}

# not an MPI program: said plainly, exit 3
trace_not_mpi 2 -- /bin/echo hello
assert_eq "$rc" 3 "non-MPI program"
grep -q '^mpiloom: no MPI calls were traced: is /bin/echo linked dynamically against MPICH?$' "$err" ||
	fail "non-MPI program: message"
assert_eq "$(count '^\[stdout\] hello$')" 2 "non-MPI program: its output"
# its recording still keeps the output
trace_not_mpi 2 --record "$log" -- /bin/echo hello
assert_eq "$rc" 3 "non-MPI program, recorded"
with_preload "$MPILOOM" dump "$log" >"$out" 2>"$err" || fail "dump of a non-MPI run exited $?"
assert_eq "$(count '^\[stdout\] hello$')" 2 "non-MPI program: output recorded"
echo "ok not MPI"

# options that are not mpiloom's go to mpiexec; the ranks get the trace
# library and the log's path in their environment
trace_not_mpi 1 -genv MPILOOM_TEST_VALUE passed-on -- env
assert_eq "$rc" 3 "env: not an MPI program"
assert_match '^\[stdout\] MPILOOM_TEST_VALUE=passed-on$' "env: -genv passed to mpiexec"
assert_match '^\[stdout\] LD_PRELOAD=(.* )?/[^ ]*/libmpiloom\.so$' "env: LD_PRELOAD"
assert_match '^\[stdout\] MPILOOM_RECORD=/' "env: MPILOOM_RECORD"
echo "ok mpiexec options, environment"

# Fortran: MPICH's bindings call the C functions the library wraps
fc=$(command -v mpif90.mpich || true)
if [ -n "$fc" ]; then
	"$fc" -o "$tmp/fring" "$top_srcdir/tests/programs/ring.f90" 2>"$err" || fail "mpif90.mpich failed"
	trace 3 -- "$tmp/fring"
	assert_eq "$rc" 0 "Fortran ring"
	events_only
	assert_match '^# result: .* ranks=3 check=passed .* messages=3 unmatched=0 ' "Fortran ring: messages"
	assert_match '^\[stdout\] fring: token 3$' "Fortran ring: output"
	echo "ok Fortran"
else
	echo "skip Fortran: no mpif90.mpich"
fi
