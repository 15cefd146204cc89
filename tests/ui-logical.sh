#!/bin/sh
# The l key and --time (issue 16), driven in tmux: replay toggles between
# wall and logical time, the axis says which is shown, and the selected
# call stays selected; a lecture (--step) starts in logical time.
top_srcdir=${top_srcdir:-.}
. "$top_srcdir/tests/ui-lib.sh"

MPILOOM_BIN=$top_builddir/src/mpiloom
env ${MPILOOM_TEST_PRELOAD:+LD_PRELOAD="$MPILOOM_TEST_PRELOAD"} timeout 60 \
	"${MPIEXEC:-mpiexec.mpich}" -n 4 "$MPILOOM_BIN" --text --collectives textbook \
	--record "$tmp/run.loom" bcast </dev/null >/dev/null || fail "recording for replay"
replay_log=$tmp/run.loom

# the selection's line in the detail pane ("bcast  rank 2 #1 ...")
selected() { screen | sed -n '/-- detail --/{n;n;p;}'; }

start 110 30 "$MPILOOM replay $tmp/run.loom"
wait_for 'REPLAY \| paused x1 at start'
T send-keys -t ui End
wait_for 'at end'
screen | grep -q 'LOGICAL' && fail "replay starts in logical time"
for k in 1 2 3 4 5 6 7 8 9 10 11 12; do T send-keys -t ui Tab; done
wait_for '  step [0-9]+$'
before=$(selected)
T send-keys -t ui l
wait_for 'events \| REPLAY \| LOGICAL'
wait_for '┼step [0-9]+'
[ "$(selected)" = "$before" ] || fail "l lost the selection: '$before', now '$(selected)'"
# zoom and scroll on the logical axis, then back to wall time
T send-keys -t ui + Left 0
wait_for '┼step 0'
T send-keys -t ui l
wait_gone 'LOGICAL'
wait_for '┼[0-9.]+(ns|us|ms|s)'
[ "$(selected)" = "$before" ] || fail "the second l lost the selection"
quit 0 "replay: exit status"
echo "ok replay: l toggles logical time, the selection kept"

start 110 30 "$MPILOOM replay --time logical $tmp/run.loom"
wait_for 'REPLAY \| LOGICAL'
quit 0 "replay --time logical: exit status"
echo "ok replay --time logical"

# a lecture: logical from the start; a step shows on the axis
start 110 30 "LANG=C.UTF-8 $MPILOOM -n 4 --step --collectives textbook bcast"
wait_for 'LIVE \| LOGICAL'
# the status bar's step is the column the call let go is at: the one the
# detail pane gives, and a tick on the axis says where that is
T send-keys -t ui n
wait_for 'step [0-9]+: r[0-9]'
wait_for '┼step [0-9]+'
sleep 1
said=$(screen | sed -n '1s/.*| step \([0-9]*\): r.*/\1/p')
wait_for "  step $said\$"
T send-keys -t ui l
wait_gone 'LOGICAL'
wait_for 'press 1: r[0-9]'
quit 130 "lecture quit early: exit status" q
echo "ok lecture mode starts in logical time"

# at 80 columns the narration still fits: a probe after the send it found
start 80 24 "LANG=C.UTF-8 $MPILOOM -n 2 --step probe"
wait_for 'LOGICAL \| STEP \| 2 held'
T send-keys -t ui n
wait_for 'step 2: r0 send *$'
T send-keys -t ui n
wait_for 'step 3: r1 probe *$'
wait_for '^ status: MPI_SOURCE 0  MPI_TAG 1'
quit 130 "probe lecture at 80 columns: exit status" q
echo "ok a lecture's narration at 80 columns"
