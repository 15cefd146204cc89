# Sourced by the tmux tests (ui.sh, ui-run.sh): a private tmux server,
# a session per case, waits for a condition with a deadline, never a fixed
# sleep; start/finished check the exit status and the terminal state.
set -u
top_builddir=${top_builddir:-$(pwd)}
tmux_bin=${TMUX_BIN:-tmux}
[ -x "$tmux_bin" ] || tmux_bin=tmux
MPILOOM=$top_builddir/src/mpiloom
# the sanitizer build preloads its runtime and tests/keep-modules
if [ -n "${MPILOOM_TEST_PRELOAD:-}" ]; then
	MPILOOM="env LD_PRELOAD='$MPILOOM_TEST_PRELOAD' $MPILOOM"
fi
sock=mpiloom-ui-$$
tmp=$(mktemp -d)
T() { "$tmux_bin" -L "$sock" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
unset TMUX PMI_RANK PMI_FD PMI_SIZE MPILOOM_UI

if ! command -v "$tmux_bin" >/dev/null 2>&1; then
	echo "ui: tmux not found" >&2
	exit 1
fi

screen() { T capture-pane -p -t ui; }

# A session that outlives every test's own: killing the last session ends
# the server, and a new-session racing with that exit can be lost.
T new-session -d -s keep 'sleep 3600' || { echo "ui: cannot start tmux" >&2; exit 1; }

fail() {
	echo "ui: FAIL: $*" >&2
	echo "--- screen:" >&2
	screen >&2 2>/dev/null
	if [ -n "${replay_log:-}" ]; then
		echo "--- the log replayed:" >&2
		"$top_builddir/src/mpiloom" dump "$replay_log" >&2 2>&1
	fi
	exit 1
}

# wait_for REGEX [seconds]: until the screen shows it
wait_for() {
	deadline=$(( $(date +%s) + ${2:-30} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	fail "never saw /$1/"
}

# wait_gone REGEX [seconds]: until the screen no longer shows it
wait_gone() {
	deadline=$(( $(date +%s) + ${2:-30} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if ! screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	fail "still see /$1/"
}

# start W H COMMAND...: a fresh session running mpiloom in a shell that
# records the terminal state before and after, and the exit status.
start() {
	w=$1 h=$2
	shift 2
	T kill-session -t ui 2>/dev/null
	rm -f "$tmp/exit" "$tmp/before" "$tmp/after"
	T new-session -d -s ui -x "$w" -y "$h" \
		"stty -g > $tmp/before; $*; echo EXIT=\$? > $tmp/exit; stty -g > $tmp/after; echo DONE; sleep 600" ||
		fail "tmux new-session failed"
}

finished() {
	wait_for '^DONE' 60
	[ -s "$tmp/exit" ] || fail "no exit status"
	cmp -s "$tmp/before" "$tmp/after" || fail "terminal state changed: $(cat "$tmp/before") -> $(cat "$tmp/after")"
}

# quit STATUS WHAT [KEYS...]: q (or KEYS), the terminal restored, the
# exit status
quit() {
	_status=$1 _what=$2
	shift 2
	[ $# -gt 0 ] || set -- q
	T send-keys -t ui "$@"
	finished
	grep -q "^EXIT=$_status\$" "$tmp/exit" || fail "$_what: $(cat "$tmp/exit")"
}

# front_pid: the pid of the front, the pane's shell's child
front_pid() {
	shell=$(T display-message -p -t ui '#{pane_pid}')
	deadline=$(( $(date +%s) + 30 ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		# by name: the pane's shell first runs stty, which may still be
		# there (CI once killed it instead of the front)
		p=$(pgrep -P "$shell" -f mpiloom | head -n 1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	fail "no front in the pane"
}

# wait_no_leftovers WHAT: within 20 s no process matches the script's
# leftover_pattern (for pgrep -f: its runs' fronts, mpiexecs and ranks,
# not the pane's shell, whose command line names them all)
wait_no_leftovers() {
	deadline=$(( $(date +%s) + 20 ))
	while pgrep -f "$leftover_pattern" >/dev/null 2>&1; do
		[ "$(date +%s)" -le "$deadline" ] || {
			ps -o pid,ppid,args -p "$(pgrep -d, -f "$leftover_pattern")" >&2
			fail "$1: processes left behind"
		}
		sleep 0.2
	done
}
