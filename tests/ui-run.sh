#!/bin/sh
# The live screen of `mpiloom run`: an ordinary MPI program's timeline,
# the output panel (o), q ending a deadlocked run, the terminal restored.
. "${top_srcdir:-.}/tests/ui-lib.sh"
progs=$top_builddir/tests/programs

# 1. ring: rank rows, the result; o opens the output panel with the
#    program's lines; q quits with exit 0 and the terminal as it was
start 100 32 "LANG=C.UTF-8 $MPILOOM run -n 3 -- $progs/ring 2"
wait_for 'FINISHED .*check passed'
for r in 0 1 2; do
	screen | grep -Eq "^r$r +" || fail "no row for rank $r"
done
screen | grep -Fq '[stdout]' && fail "output shown before o"
T send-keys -t ui o
wait_for 'output: 4 lines \(o\)'
wait_for ' output \(o closes\) '
wait_for '^ \[stdout\] ring: token 6 after 2 round\(s\) of 3 ranks'
wait_for '^ \[stderr\] ring: rank 2 done'
T send-keys -t ui o
wait_gone 'o closes'
T send-keys -t ui '?'
wait_for 'o +program output'
quit 0 ring
wait_for '^# result: .*ring ranks=3 check=passed'
echo "ok run: ring screen, output panel"

# 2. deadlock: the screen stays live with what happened before; q stops
#    every rank, says so, exit 130 (as Ctrl-C), terminal restored
start 100 30 "$MPILOOM run -n 2 -- $progs/deadlock"
wait_for '2 ranks \| [4-9] events \| LIVE'
# who waits for whom: each rank's receive shown blocked, and in words
wait_for '^r0 .*r blocked '
wait_for '^r1 .*r blocked '
wait_for '^ rank 0 is blocked in recv from rank 1, tag 0'
wait_for '^ rank 1 is blocked in recv from rank 0, tag 0'
T send-keys -t ui o
wait_for 'deadlock: rank 1 \(pid [0-9]+\) receives from rank 0 first'
quit 130 deadlock
wait_for '^mpiloom: stopped by the user before the program ended'
echo "ok run: deadlock, q"

# 3. abort: the screen says which rank aborted
start 100 30 "$MPILOOM run -n 3 -- $progs/abort"
wait_for 'FINISHED .*check FAILED'
wait_for 'result: rank 1 called MPI_Abort \(error code 7\)'
quit 7 abort
echo "ok run: abort"

# 4. the recording of a run replays with its output panel
start 100 30 "$MPILOOM run -n 2 --text --record $tmp/ring.loom -- $progs/ring 1 >/dev/null; $MPILOOM replay $tmp/ring.loom"
wait_for 'REPLAY \| paused'
T send-keys -t ui o
wait_for ' output \(o closes\) '
wait_for '^ \[stdout\] ring: token 1 after 1 round\(s\) of 2 ranks'
quit 0 replay
echo "ok run: replay with output"
