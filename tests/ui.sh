#!/bin/sh
# The live screen as a person sees it: mpiloom runs in a detached tmux
# session (its own private server), keys go in with send-keys, and what is
# on the screen is read back with capture-pane. Every wait is for a
# condition, with a deadline, never a fixed sleep.
. "${top_srcdir:-.}/tests/ui-lib.sh"

# 1. tree-sum at 5 ranks: rank rows, lines into r0, levels, the tree's sum
start 100 32 "LANG=C.UTF-8 $MPILOOM -n 5 tree-sum"
wait_for 'FINISHED( \| LOGICAL)? check passed'
s=$(screen)
for r in 0 1 2 3 4; do
	echo "$s" | grep -Eq "^r$r +" || fail "no row for rank $r"
done
row0=$(echo "$s" | grep -n '^r0 ' | cut -d: -f1)
echo "$s" | sed -n "$((row0 + 1))p" | grep -q '▲' || fail "no message head under r0"
echo "$s" | grep -q 'L0' || fail "no level label L0"
echo "$s" | grep -q 'L2' || fail "no level label L2"
echo "$s" | grep -q 'sum at r0: 15' || fail "tree panel has no final sum"
echo "$s" | grep -q 'L1   r0=3+7=10' || fail "tree panel level 1 wrong"
echo "$s" | grep -q 'result: sum = 15' || fail "no result line"
echo "ok tree-sum screen"

# 1b. the keys on that screen: t and Enter close and open the panels, +
#     zooms in, an arrow scrolls, 0 fits again, a click selects a call
axis() { screen | grep -E '^ +[─┼].*┼'; }
# wait_axis = | != TEXT: until the time axis is, or is not, TEXT
wait_axis() {
	deadline=$(($(date +%s) + 30))
	while [ "$(date +%s)" -le "$deadline" ]; do
		[ "$(axis)" "$1" "$2" ] && return 0
		sleep 0.1
	done
	fail "the axis stayed '$(axis)'"
}
fit=$(axis)
[ -n "$fit" ] || fail "no time axis"
T send-keys -t ui t
wait_gone 'sum at r0: 15'
T send-keys -t ui t
wait_for 'sum at r0: 15'
T send-keys -t ui Enter
wait_gone '^-- detail'
T send-keys -t ui Enter
wait_for '^-- detail'
T send-keys -t ui +
wait_axis != "$fit"
zoomed=$(axis)
T send-keys -t ui Left
wait_axis != "$zoomed"
T send-keys -t ui 0
wait_axis = "$fit"
# an SGR mouse press on rank 3's send, as the terminal would send it
y=$(screen | grep -n '^r3 ' | cut -d: -f1)
x=$(screen | sed -n "${y}p" | sed 's/s.*//' | tr -d '\n' | LC_ALL=C.UTF-8 wc -m)
# shellcheck disable=SC2046 # one argument a byte
T send-keys -t ui -H 1b $(printf '[<0;%d;%dM' $((x + 1)) "$y" | od -An -tx1)
wait_for '^ send  rank 3 #[0-9]+  to 2 '
echo "ok keys: t, Enter, +, Left, 0, click"

# 2. help after ?, gone after ? again; q quits, exit 0, terminal restored
T send-keys -t ui '?'
wait_for 'mpiloom keys'
T send-keys -t ui '?'
wait_gone 'mpiloom keys'
wait_for 'result: sum = 15'
quit 0 "exit status, expected 0"
echo "ok help, quit, terminal restored"

# 3. probe: select the receive with Tab; the detail pane shows its status
start 100 30 "$MPILOOM -n 2 --count 3 probe"
wait_for 'FINISHED( \| LOGICAL)? check passed'
i=0
until screen | grep -q '^ recv  rank 1'; do
	i=$((i + 1))
	[ $i -le 12 ] || fail "Tab never reached the receive"
	T send-keys -t ui Tab
	sleep 0.2
done
s=$(screen)
echo "$s" | grep -q 'status: MPI_SOURCE 0  MPI_TAG 1  count 3  elements 3 (MPI_DOUBLE, 24 bytes)' ||
	fail "receive status fields"
echo "$s" | grep -q 'message 0\.[0-9]*: rank 0 sends at' || fail "message line"
echo "$s" | grep -q 'data: \[1, 2, 3\]' || fail "payload preview"
# Shift-Tab goes back to the probe, whose status is the same
until screen | grep -q '^ probe  rank 1'; do
	i=$((i + 1))
	[ $i -le 24 ] || fail "Shift-Tab never reached the probe"
	T send-keys -t ui BTab
	sleep 0.2
done
screen | grep -q 'status: MPI_SOURCE 0  MPI_TAG 1  count 3  elements 3' || fail "probe status"
echo "ok probe detail"

# 4. resize: too small says so; larger draws again
T resize-window -t ui -x 70 -y 20
wait_for 'needs at least 80x24 \(this is 70x20\)'
T resize-window -t ui -x 120 -y 30
wait_for '^r1 '
quit 0 "exit status after resize"
echo "ok resize"

# 5. ASCII when the locale is not UTF-8, monochrome with NO_COLOR
start 100 30 "LANG=C LC_ALL=C NO_COLOR=1 $MPILOOM -n 3 tree-sum"
wait_for 'FINISHED( \| LOGICAL)? check passed'
row0=$(screen | grep -n '^r0 ' | cut -d: -f1)
screen | sed -n "$((row0 + 1))p" | grep -q '\^' || fail "no ASCII message head"
screen | grep -q '[▲━─]' && fail "Unicode in a C locale"
T send-keys -t ui q
finished
echo "ok ascii"

# 6. Ctrl-C while the ranks still run: every rank ends, terminal restored
start 100 30 "$MPILOOM -n 4 --delay 2000 tree-sum"
wait_for 'LIVE'
T send-keys -t ui C-c
finished
grep -q 'EXIT=0' "$tmp/exit" && fail "interrupted run exited 0"
echo "ok interrupt: $(cat "$tmp/exit")"

# 7. many ranks: one line each, scrolling with the arrow keys
start 80 24 "$MPILOOM -n 16 gather"
wait_for 'FINISHED( \| LOGICAL)? check passed' 90
screen | grep -q '^r15 ' && fail "16 ranks should not all fit in 24 lines"
screen | grep -q '^r0 ' || fail "the first rank row is not on screen"
for k in 1 2 3 4 5 6; do T send-keys -t ui Down; done
wait_for '^r15 '
screen | grep -q '^r0 ' && fail "r0 still on screen after scrolling down"
T send-keys -t ui q
finished
echo "ok scrolling"

# 7b. 64 ranks: the tree panel's six levels and the sum, every row
#     reached with PgDn
start 100 40 "$MPILOOM -n 64 tree-sum"
wait_for 'FINISHED( \| LOGICAL)? check passed' 120
wait_for 'sum at r0: 2080'
screen | grep -q 'L5   r0=528+1552=2080   wall ' || fail "64 ranks: the tree's last level"
screen | grep -q '^r63 ' && fail "64 ranks should not all fit in 40 lines"
T send-keys -t ui NPage NPage NPage NPage
wait_for '^r63 '
quit 0 "64 ranks: exit status"
echo "ok 64 ranks"

# 7c. mpiexec typed by hand: rank 0 draws on mpiexec's terminal, which
#     is not in raw mode, so q needs Enter; the terminal is left as it was
start 100 30 "${MPIEXEC:-mpiexec.mpich} -n 2 $MPILOOM gather"
wait_for 'FINISHED( \| LOGICAL)? check passed'
screen | grep -q '^r1 ' || fail "mpiexec by hand: no row for rank 1"
quit 0 "mpiexec by hand: exit status" q Enter
echo "ok mpiexec typed by hand"

# 8. replay: stepping forward then back shows the same screen as before;
#    End shows the whole run; q leaves the terminal as it was
MPILOOM_BIN=$top_builddir/src/mpiloom
env ${MPILOOM_TEST_PRELOAD:+LD_PRELOAD="$MPILOOM_TEST_PRELOAD"} timeout 60 \
	"$MPILOOM_BIN" -n 4 --text --record "$tmp/run.loom" tree-sum </dev/null >/dev/null ||
	fail "recording for replay"
replay_log=$tmp/run.loom
start 100 30 "$MPILOOM replay $tmp/run.loom"
wait_for 'REPLAY \| paused x1 at start'
screen | grep -q '▲' && fail "a message before anything happened"
# one key at a time, each step seen before the next: a failure names the step
for k in 1 2 3 4 5 6 7 8 9 10; do
	T send-keys -t ui n
	wait_for "\\| $k events? \\|"
done
screen >"$tmp/ten"
T send-keys -t ui n
wait_for '\| 11 events \|'
T send-keys -t ui b
wait_for '\| 10 events \|'
screen >"$tmp/back"
cmp -s "$tmp/ten" "$tmp/back" || fail "stepping back does not give the same screen"
# the narration line says what the step did, in words
screen | grep -Eq '^ rank [0-9] (sends|receives|starts|checks|ends)' || fail "no narration line"
# x0.25, then g and a time (as in dump's first column): the calls begun by then
T send-keys -t ui '[' '['
wait_for 'paused x0\.25 at '
dump() { env ${MPILOOM_TEST_PRELOAD:+LD_PRELOAD="$MPILOOM_TEST_PRELOAD"} "$MPILOOM_BIN" dump "$tmp/run.loom" | grep -v '^#'; }
t=$(dump | sed -n 6p | awk '{ print int($1) }')
n=$(dump | awk -v t="$t" '$1 <= t' | wc -l)
T send-keys -t ui g
wait_for 'go to time \(us\)'
T send-keys -t ui -l "$t"
T send-keys -t ui Enter
wait_for "\\| $n events? \\| REPLAY \\| paused x0\\.25 at "
T send-keys -t ui ']' ']'
wait_for 'paused x1 at '
# a time past any run (20 digits): the end
T send-keys -t ui g
T send-keys -t ui -l 99999999999999999999
T send-keys -t ui Enter
wait_for '\| 18 events \| REPLAY \| paused x1 at end'
T send-keys -t ui End
wait_for 'at end'
wait_for 'sum at r0: 10'
row0=$(screen | grep -n '^r0 ' | cut -d: -f1)
screen | sed -n "$((row0 + 1))p" | grep -q '▲' || fail "no message into r0 at the end"
T send-keys -t ui Home
wait_for 'at start'
T send-keys -t ui ']' ']' ']' ']' ']' ']'
wait_for 'paused x64 at start'
# at x64 the 18 calls play in 70 ms: what is seen is where play stops
T send-keys -t ui ' '
wait_for 'paused x64 at end' 30
quit 0 "replay exit status"
echo "ok replay"

# 8b. a replay owns the terminal itself: started too small, then enlarged
#     past any size it had, it draws at the new width (curses' own
#     SIGWINCH handling once shrank it back to the size it started with)
start 70 20 "$MPILOOM replay $tmp/run.loom"
wait_for 'needs at least 80x24 \(this is 70x20\)'
T resize-window -t ui -x 130 -y 32
wait_for 'REPLAY \| paused x1 at start'
i=0
until [ "$(screen | head -n 1 | LC_ALL=C.UTF-8 wc -m)" -gt 121 ]; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "the status bar is not 130 columns wide"
	sleep 0.1
done
screen | head -n 1 | grep -q 'n/b step  ? help  q quit$' || fail "no key hint at the right end"
# at 80 columns the hint keeps help and quit, not the state
T resize-window -t ui -x 80 -y 24
wait_for 'REPLAY \| paused x1 at start +\? help  q quit$'
quit 0 "replay after a resize: exit status"
replay_log=
echo "ok replay resized"

# 9. lecture mode: every rank held before its first call, n lets one go
#    and the detail pane says what it did, space runs the rest freely
start 100 32 "$MPILOOM -n 4 --step tree-sum"
wait_for 'STEP n r space \| 4 held'
[ "$(screen | grep -c '^r[0-3] .* held ')" -eq 4 ] || fail "not every rank shown held"
screen | grep -q 'rank 1 waits for n before send to rank 0, tag 0' || fail "held calls not listed"
T send-keys -t ui n
wait_for 'step 2: r1 send'
wait_for '^ rank 1 sends 2 to rank 0 \(tag 0, level 0 of the tree\)'
T send-keys -t ui n
wait_for 'step 3: r0 recv'
wait_for '^ rank 0 receives 2 from rank 1'
T send-keys -t ui ' '
wait_for 'FINISHED( \| LOGICAL)? check passed'
wait_for 'sum at r0: 10'
quit 0 "stepped run exit status"
echo "ok step"

# q while every rank is held: all of them end, the terminal is restored
start 100 32 "$MPILOOM -n 3 --step tree-sum"
wait_for 'STEP n r space \| 3 held'
quit 130 "q while held: exit status"
echo "ok q while held"

# 10. scripted keys on the screen: the probe's step names its status
start 140 32 "$MPILOOM -n 2 --step --keys nn probe"
wait_for 'step 3: r1 probe'
wait_for '^ rank 1 probes \(ANY_SOURCE, ANY_TAG\): message from rank 0, tag 1, 3 MPI_DOUBLE \(MPI_Get_count\), 3 elements'
wait_for '^r1 .*p.*r held '
T send-keys -t ui q
finished
echo "ok step probe"

# 11. compare on the screen: the table and bars when it ends, the verdict,
#    and t for the tree panel of its tree round
start 100 40 "$MPILOOM -n 5 compare --reps 2"
wait_for 'FINISHED( \| LOGICAL)? check passed' 90
s=$(screen)
for w in linear tree reduce allreduce; do
	echo "$s" | grep -Eq "^ $w +[0-9]+\.[0-9]+ " || fail "compare panel: no row for $w"
done
echo "$s" | grep -Eq '^ r4 +#' || fail "compare panel: no bars for r4"
echo "$s" | grep -Eq 'result: (linear|tree|reduce|allreduce) is fastest' || fail "no verdict"
# the whole verdict, its reason included, wrapped under the screen
verdict=$(echo "$s" | sed -n '/^ result: /,$p' | sed 's/^ *//' | tr '\n' ' ' | sed 's/ *$//')
case $verdict in
*"us ("*"). "*[a-z]*.) ;;
*) fail "the verdict's reason is not on the screen: $verdict" ;;
esac
echo "$s" | grep -q -- '-- detail --' && fail "compare: a detail pane with nothing selected"
T send-keys -t ui t
wait_for 'sum at r0: 15'
screen | grep -q 'L2   r0=10+5=15' || fail "compare: the tree's last level"
T send-keys -t ui q
finished
echo "ok compare screen"
