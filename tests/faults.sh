#!/bin/sh
# Faults from outside, at small scale and with fixed seeds, so that what
# an outside sweep found stays fixed (issue 21): kill -9 of the front, of
# a rank or of mpiexec while a recording is made, by `mpiloom run` and by
# a scenario; a storm of window resizes on a live screen; a full disk
# under a traced program. After each: no process of the run left behind,
# the terminal as it was wherever the front lived to restore it, and the
# recording readable with the events made so far. Signals to the front in
# every mode are tests/signals.sh's.
. "${top_srcdir:-.}/tests/ui-lib.sh"

MPIEXEC=${MPIEXEC:-mpiexec.mpich}
progs=$top_builddir/tests/programs
for p in ticker ring; do
	[ -x "$progs/$p" ] || { echo "faults: no $progs/$p: make check builds it" >&2; exit 99; }
done
# copies under this test's own folder: the leftovers check below then
# sees this test's processes only, not another build's
mkdir "$tmp/bin" "$tmp/t" || exit 99
cp "$progs/ticker" "$progs/ring" "$tmp/bin/" || exit 99
TICKER=$tmp/bin/ticker
RING=$tmp/bin/ring
BIN=$top_builddir/src/mpiloom

# The same faults at the same moments on every run: a fixed sequence of
# draws (MPILOOM_FAULT_SEED picks another one). rand N sets r to 0..N-1.
seed=${MPILOOM_FAULT_SEED:-21}
draws=0
rand() {
	draws=$((draws + 1))
	r=$(awk -v s="$seed" -v d="$draws" -v n="$1" 'BEGIN { srand(s * 1000 + d); print int(rand() * n) }')
}

# A front (its arguments name a recording of this test), an mpiexec or a
# rank of a program copied here, a scenario's rank (see wait_no_leftovers).
leftover_pattern="^([^ ]*/mpiloom .*$tmp/rec-|[^ ]*mpiexec[^ ]* .*$tmp/|$tmp/bin/)"

# events REC: what a growing or cut recording holds (-1: unreadable)
events() {
	irc=0
	"$BIN" info "$1" >"$tmp/info" 2>&1 || irc=$?
	echo "$irc" >"$tmp/irc" # for a caller of $(events ...)
	if [ "$irc" -ne 0 ] && [ "$irc" -ne 4 ]; then
		echo -1
		return
	fi
	sed -n 's/^events: \([0-9]*\) .*/\1/p' "$tmp/info"
}

readable() { # REC WHAT
	n=$(events "$1")
	[ "$n" -ge 1 ] || fail "$2: the recording does not read back with events: $(cat "$tmp/info")"
}

# wait_events REC N WHAT: until the recording, still being written, holds N
wait_events() {
	deadline=$(($(date +%s) + 40))
	while [ "$(events "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -le "$deadline" ] || fail "$3: the running recording never held $2 events"
		sleep 0.2
	done
}

# nth N PIDS...: the Nth (from 0) of the pids
nth() {
	shift "$(($1 + 1))"
	echo "$1"
}

# a random moment: 0 to 0.9 s more
pause() {
	rand 10
	sleep "0.$r"
}

# The end of a live run after a fault: a screen that stays up until q
# (mpiloom run, rank 0 of a scenario that lived on), or none left.
finish_live() {
	wait_for '^DONE|FINISHED' 60
	screen | grep -q '^DONE' || T send-keys -t ui q
	finished
}

# kill_run PID REC WHAT [live]: kill -9 of PID, then the end of the run
# (the pane's shell says DONE), a status that is not 0, no process of the
# run left, and the recording readable with events (sets n)
kill_run() {
	[ -n "$1" ] || fail "$3: nothing to kill"
	kill -9 "$1"
	if [ "${4:-}" = live ]; then
		finish_live
	else
		finished
	fi
	grep -q '^EXIT=0$' "$tmp/exit" && fail "$3: exit 0 after the fault"
	wait_no_leftovers "$3"
	readable "$2" "$3"
}

# 1. mpiloom run on the live screen: the recording grows while it runs
#    (item 1 in live mode); then kill -9 of a random rank, then of mpiexec.
#    The front outlives both: it says so and restores the terminal.
for victim in rank mpiexec; do
	rec=$tmp/rec-live-$victim.loom
	start 100 30 "TMPDIR=$tmp/t $MPILOOM run -n 3 --record $rec -- $TICKER 50 60"
	wait_for '3 ranks \| [0-9]+ events \| LIVE' 60
	wait_events "$rec" 30 "run live"
	pause
	if [ "$victim" = rank ]; then
		rand 3
		# shellcheck disable=SC2046 # the pids, one word each
		pid=$(nth "$r" $(pgrep -f "^$TICKER 50 60"))
	else
		pid=$(pgrep -f "^[^ ]*mpiexec[^ ]* .*$TICKER 50 60")
	fi
	kill_run "$pid" "$rec" "run live, $victim killed" live
	echo "ok run live, $victim killed: exit $(sed 's/EXIT=//' "$tmp/exit"), nothing left, terminal restored, $n events kept"
done

# 2. mpiloom run --text (the terminal untouched, so it must be as it was)
#    and kill -9 of the front itself: mpiexec and the ranks go with it, the
#    temporary log too (it has no name once rank 0 wrote its header)
rec=$tmp/rec-text-front.loom
start 100 30 "TMPDIR=$tmp/t $MPILOOM run -n 3 --text --record $rec -- $TICKER 50 60 >/dev/null"
pid=$(front_pid)
wait_events "$rec" 20 "run --text"
pause
kill_run "$pid" "$rec" "run --text, front killed"
grep -q '^EXIT=137$' "$tmp/exit" || fail "run --text, front killed: $(cat "$tmp/exit")"
[ -z "$(ls "$tmp/t")" ] || fail "run --text, front killed: left $(ls "$tmp/t")"
echo "ok run --text, front killed: nothing left, $n events kept, no temporary log"

# 3. a scenario on the live screen, kill -9 of a random rank (rank 0 draws
#    the screen: the launcher must put the terminal back by itself)
rec=$tmp/rec-scenario-rank.loom
start 100 30 "$MPILOOM -n 3 --delay 1000 --record $rec linear-sum"
front=$(front_pid)
wait_for '3 ranks \| [0-9]+ events \| LIVE' 60
wait_events "$rec" 3 "scenario live"
pause
rand 3
# shellcheck disable=SC2046 # the pids, one word each
pid=$(nth "$r" $(pgrep -f "^[^ ]*/mpiloom -n 3 .*--record $rec " | grep -vx "$front"))
kill_run "$pid" "$rec" "scenario live, rank killed" live
echo "ok scenario live, a rank killed: nothing left, terminal restored, $n events kept"

# 4. a scenario with --text: kill -9 of mpiexec or of the launcher (drawn)
rand 2
victim=mpiexec
[ "$r" -eq 1 ] && victim=front
rec=$tmp/rec-scenario-$victim.loom
start 100 30 "$MPILOOM -n 3 --text --delay 1000 --record $rec linear-sum >/dev/null"
front=$(front_pid)
wait_events "$rec" 3 "scenario --text"
pause
if [ "$victim" = front ]; then
	pid=$front
else
	pid=$(pgrep -f "^[^ ]*mpiexec[^ ]* .*--record $rec ")
fi
kill_run "$pid" "$rec" "scenario --text, $victim killed"
echo "ok scenario --text, $victim killed: nothing left, $n events kept"

# 5. a storm of resizes on a live screen, no pause between them: the
#    screen is still drawn at the last size and q still works
start 100 30 "$MPILOOM run -n 3 -- $TICKER 50 60"
wait_for '3 ranks \| [0-9]+ events \| LIVE' 60
i=0
while [ "$i" -lt 60 ]; do
	rand 180
	w=$((20 + r))
	rand 55
	T resize-window -t ui -x "$w" -y "$((5 + r))" 2>/dev/null || fail "tmux resize-window failed"
	i=$((i + 1))
done
T resize-window -t ui -x 90 -y 25
# the status bar drawn whole at the last width, rank rows under it
wait_for '^ ticker \| 3 ranks \| [0-9]+ events \| LIVE .* q quit$' 30
[ "$(screen | head -n 1 | wc -m)" -le 91 ] || fail "resize storm: a status bar wider than 90 columns"
wait_for '^r2 ' 30
quit 130 "after the resize storm"
wait_no_leftovers "resize storm"
echo "ok resize storm: 60 sizes, the screen redrawn, q works, terminal restored"

# 6. a full disk under a program traced with MPILOOM_RECORD by hand: the
#    program runs as it would (output, exit status), and stderr has one
#    line that says the recording failed
plain() { # OUT ERR: ring 3 untraced
	timeout -k 5 60 "$MPIEXEC" -n 2 "$RING" 3 </dev/null >"$1" 2>"$2"
}
traced() { # FILE OUT ERR ROUNDS: ring traced, recording to FILE
	# the sanitizer build's runtime must come first, as in every other test
	MPILOOM_RECORD=$1 timeout -k 5 60 "$MPIEXEC" -n 2 -genv LD_PRELOAD \
		"${MPILOOM_TEST_PRELOAD:+$MPILOOM_TEST_PRELOAD }$top_builddir/src/.libs/libmpiloom.so" \
		"$RING" "$4" </dev/null >"$2" 2>"$3"
}
plain "$tmp/plain.out" "$tmp/plain.err" || fail "ring untraced failed"
rc=0
traced /dev/full "$tmp/full.out" "$tmp/full.err" 3 || rc=$?
[ "$rc" -eq 0 ] || fail "ring recording to /dev/full: exit $rc"
cmp -s "$tmp/plain.out" "$tmp/full.out" || fail "ring recording to /dev/full: another output"
[ "$(grep -c '^mpiloom: ' "$tmp/full.err")" -eq 1 ] &&
	grep -q '^mpiloom: cannot record to /dev/full: No space left on device' "$tmp/full.err" ||
	fail "ring recording to /dev/full: not one line that says so: $(cat "$tmp/full.err")"
[ "$(grep -v '^mpiloom: ' "$tmp/full.err" | sort)" = "$(sort "$tmp/plain.err")" ] ||
	fail "ring recording to /dev/full: the program's own stderr changed"
echo "ok /dev/full: the program unchanged, one line on stderr"

# a small disk that fills up during the run: what fit reads back (the
# first chunks are small), and still one line; needs a mount namespace
if [ "$(id -u)" -ne 0 ]; then
	echo "skip small tmpfs: not root"
elif ! unshare -m true 2>/dev/null; then
	echo "skip small tmpfs: unshare -m is not allowed here"
elif [ -n "${MPILOOM_TEST_PRELOAD:-}" ]; then
	echo "skip small tmpfs: the sanitizer build (the plain build runs it)"
else
	mkdir "$tmp/small"
	# in its own mount namespace: the tmpfs goes with it
	unshare -m sh -c '
		mount -t tmpfs -o size=64k tmpfs "$1/small" || exit 77
		MPILOOM_RECORD=$1/small/ring.loom timeout -k 5 60 "$2" -n 2 -genv LD_PRELOAD "$4$3/src/.libs/libmpiloom.so" \
			"$1/bin/ring" 5000 </dev/null >"$1/small.out" 2>"$1/small.err"
		echo $? >"$1/small.rc"
		cp "$1/small/ring.loom" "$1/small-ring.loom"
		rm -f "$1/small/ring.loom"
		timeout -k 5 60 "$3/src/mpiloom" run -n 2 --text --record "$1/small/run.loom" -- "$1/bin/ring" 5000 \
			</dev/null >"$1/small-run.out" 2>"$1/small-run.err"
		echo $? >"$1/small-run.rc"
		cp "$1/small/run.loom" "$1/small-run.loom"
	' sh "$tmp" "$MPIEXEC" "$top_builddir" "${MPILOOM_TEST_PRELOAD:+$MPILOOM_TEST_PRELOAD }"
	src=$?
	if [ "$src" -eq 77 ]; then
		echo "skip small tmpfs: cannot mount one"
	else
		[ "$(cat "$tmp/small.rc")" -eq 0 ] || fail "ring on a full tmpfs: exit $(cat "$tmp/small.rc")"
		grep -q '^ring: token 5000 after 5000 round(s) of 2 ranks$' "$tmp/small.out" ||
			fail "ring on a full tmpfs: its output changed"
		[ "$(grep -c '^mpiloom: ' "$tmp/small.err")" -eq 1 ] &&
			grep -q '^mpiloom: cannot record to .*: No space left on device' "$tmp/small.err" ||
			fail "ring on a full tmpfs: not one line that says so: $(cat "$tmp/small.err")"
		n=$(events "$tmp/small-ring.loom")
		[ "$(cat "$tmp/irc")" -eq 4 ] && [ "$n" -ge 100 ] ||
			fail "ring on a full tmpfs: the recording holds $n events: $(cat "$tmp/info")"
		echo "ok full tmpfs under MPILOOM_RECORD: the program unchanged, one line, $n events kept"
		# mpiloom run --record on the same disk: its own status for its
		# own failure (3), the program's output whole, what fit kept
		[ "$(cat "$tmp/small-run.rc")" -eq 3 ] || fail "run --record on a full tmpfs: exit $(cat "$tmp/small-run.rc")"
		grep -q '^\[stdout\] ring: token 5000 after 5000 round(s) of 2 ranks$' "$tmp/small-run.out" ||
			fail "run --record on a full tmpfs: the program's output is not whole"
		grep -q '^mpiloom: cannot record to .*: No space left on device' "$tmp/small-run.err" ||
			fail "run --record on a full tmpfs: no line says so: $(cat "$tmp/small-run.err")"
		n=$(events "$tmp/small-run.loom")
		[ "$(cat "$tmp/irc")" -eq 4 ] && [ "$n" -ge 100 ] ||
			fail "run --record on a full tmpfs: the recording holds $n events: $(cat "$tmp/info")"
		echo "ok full tmpfs under mpiloom run --record: exit 3, output whole, $n events kept"
	fi
fi
