#!/bin/sh
# The front (the mpiloom a user typed) stopped by a signal, in every mode:
# it exits 128 plus the signal's number, leaves no mpiexec or rank behind,
# puts the terminal back where it could (all but SIGKILL), and leaves a
# recording that reads back. SIGKILL of the front takes the run with it.
. "${top_srcdir:-.}/tests/ui-lib.sh"

DEADLOCK=$top_builddir/tests/programs/deadlock
[ -x "$DEADLOCK" ] || { echo "signals: no $DEADLOCK" >&2; exit 1; }

# Processes of this test's runs: a front (its arguments name a recording
# of this test), an mpiexec or a rank of the deadlocked program, a
# scenario's launcher, mpiexec or rank (see wait_no_leftovers).
leftover_pattern="^([^ ]*/mpiloom run .*$tmp/rec-|[^ ]*mpiexec[^ ]* .*($DEADLOCK|--step tree-sum)|$DEADLOCK|[^ ]*/mpiloom -n 3 --step tree-sum)"

readable() { # REC WHAT
	"$top_builddir/src/mpiloom" info "$1" >"$tmp/info" 2>&1
	irc=$?
	[ "$irc" -eq 0 ] || [ "$irc" -eq 4 ] || fail "$2: the recording does not read back ($irc): $(cat "$tmp/info")"
	grep -q '^events: [1-9]' "$tmp/info" || fail "$2: no events recorded: $(cat "$tmp/info")"
}

num() {
	case $1 in HUP) echo 1 ;; INT) echo 2 ;; QUIT) echo 3 ;; KILL) echo 9 ;; TERM) echo 15 ;; esac
}

# mpiloom run on the live screen, the program deadlocked
for sig in TERM INT QUIT HUP; do
	rec=$tmp/rec-live-$sig.loom
	start 100 30 "$MPILOOM run -n 3 --record $rec -- $DEADLOCK"
	wait_for 'blocked|recv' 30
	kill -"$sig" "$(front_pid)"
	finished
	grep -q "^EXIT=$((128 + $(num $sig)))\$" "$tmp/exit" || fail "run live, SIG$sig: $(cat "$tmp/exit")"
	wait_no_leftovers "run live, SIG$sig"
	readable "$rec" "run live, SIG$sig"
	echo "ok run live SIG$sig: exit $((128 + $(num $sig))), nothing left, terminal restored"
done

# the terminal itself goes away (the window is closed): SIGHUP, and no
# terminal left to restore
rec=$tmp/rec-close.loom
start 100 30 "$MPILOOM run -n 3 --record $rec -- $DEADLOCK"
wait_for 'blocked|recv' 30
T kill-session -t ui
wait_no_leftovers "run live, window closed"
readable "$rec" "run live, window closed"
echo "ok run live, window closed: nothing left, the recording reads back"

# mpiloom run --text, and SIGKILL of the front in both modes
for mode in text live; do
	for sig in TERM INT QUIT HUP KILL; do
		[ "$mode" = live ] && [ "$sig" != KILL ] && continue
		rec=$tmp/rec-$mode-$sig.loom
		opt=; [ "$mode" = text ] && opt=--text
		start 100 30 "$MPILOOM run -n 3 $opt --record $rec -- $DEADLOCK"
		pid=$(front_pid)
		# until rank 0 passed its barrier (it says so), then past the
		# 100 ms in which its log is written
		if [ "$mode" = text ]; then
			wait_for '^\[stdout\] deadlock: rank 0 \(pid' 60
		else
			wait_for 'blocked|recv' 60
		fi
		sleep 1
		kill -"$sig" "$pid"
		if [ "$sig" = KILL ]; then
			wait_no_leftovers "run $mode, SIGKILL"
			echo "ok run $mode SIGKILL: mpiexec and the ranks died with it"
			continue
		fi
		finished
		grep -q "^EXIT=$((128 + $(num $sig)))\$" "$tmp/exit" || fail "run text, SIG$sig: $(cat "$tmp/exit")"
		wait_no_leftovers "run text, SIG$sig"
		readable "$rec" "run text, SIG$sig"
		echo "ok run text SIG$sig: exit $((128 + $(num $sig))), nothing left"
	done
done

# a scenario on the live screen, held in lecture mode (no key comes):
# the launcher's signal is the status, and no line blames a rank
for sig in TERM INT QUIT HUP; do
	start 100 30 "$MPILOOM -n 3 --step tree-sum"
	wait_for 'held' 30
	kill -"$sig" "$(front_pid)"
	finished
	grep -q "^EXIT=$((128 + $(num $sig)))\$" "$tmp/exit" || fail "scenario, SIG$sig: $(cat "$tmp/exit")"
	if screen | grep -q "as it does when a rank"; then
		fail "scenario, SIG$sig: a rank blamed for the user's signal"
	fi
	wait_no_leftovers "scenario, SIG$sig"
	echo "ok scenario SIG$sig: exit $((128 + $(num $sig))), terminal restored"
done

# replay stopped by a signal
log=$tmp/rec-live-TERM.loom
for sig in TERM HUP; do
	start 100 30 "$MPILOOM replay $log"
	wait_for 'REPLAY' 30
	kill -"$sig" "$(front_pid)"
	finished
	grep -q "^EXIT=$((128 + $(num $sig)))\$" "$tmp/exit" || fail "replay, SIG$sig: $(cat "$tmp/exit")"
	echo "ok replay SIG$sig: exit $((128 + $(num $sig)))"
done
