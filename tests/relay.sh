#!/bin/sh
# The launcher's terminal relay in a real terminal, a pane of a private
# tmux server, with tests/relay-child standing in for mpiexec: keys, a
# resize, a mouse click and Ctrl-C reach the child; its exit status, its
# death by a signal, SIGTERM (and SIGKILL when SIGTERM is ignored) come
# back as relay_run's status; and every time, `stty -g` after equals
# before. Conditions are polled, never waited for with a fixed sleep.

: "${top_builddir:=.}"
: "${TMUX_BIN:=tmux}"
[ -x "$TMUX_BIN" ] || TMUX_BIN=tmux

abs() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}
MAIN=$(abs "$top_builddir/tests/relay-main")
CHILD=$(abs "$top_builddir/tests/relay-child")

command -v "$TMUX_BIN" >/dev/null 2>&1 || { echo "SKIP: no tmux"; exit 77; }
if [ ! -x "$MAIN" ] || [ ! -x "$CHILD" ]; then
	echo "no $MAIN or $CHILD: build first" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpiloom-relay.XXXXXX") || exit 99
# A server of our own: never a user's sessions, never their config.
sock=mpiloom-test-$$
unset TMUX
tm() {
	"$TMUX_BIN" -L "$sock" -f "$tmp/tmux.conf" "$@"
}
# kill-server leaves the socket file behind: remove it too
sockpath=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	tm kill-server >/dev/null 2>&1
	[ -z "$sockpath" ] || rm -f "$sockpath"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

cat >"$tmp/tmux.conf" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g history-limit 2000
EOF

# What runs in the pane: the terminal's settings before and after.
cat >"$tmp/pane.sh" <<'EOF'
d=$1
shift
stty -g >"$d/before"
"$@"
echo "rc=$?"
stty -g >"$d/after"
echo "pane done"
# alive until the server ends: tmux changes the modes of a dead pane
exec sleep 120
EOF

name=
fail() {
	echo "FAIL: $name: $*"
	if [ -n "$name" ]; then
		echo "  pane:"
		tm capture-pane -p -J -S -2000 -t "$name" 2>/dev/null | grep -v '^$' | sed 's/^/    /'
	fi
	exit 1
}

pane() {
	tm capture-pane -p -J -S -2000 -t "$name"
}

# wait_for ERE WHAT: up to 10 s for a line of the pane to match.
wait_for() {
	_i=0
	while ! pane | grep -Eq -- "$1"; do
		_i=$((_i + 1))
		[ "$_i" -lt 100 ] || fail "${2:-no line matches} /$1/ after 10 s"
		sleep 0.1
	done
}

# start NAME ARGS...: a new 100x30 session running relay-main ARGS.
start() {
	name=$1
	shift
	mkdir "$tmp/$name" || exit 99
	_cmd="exec sh '$tmp/pane.sh' '$tmp/$name' '$MAIN'"
	for _a in "$@"; do
		_cmd="$_cmd '$_a'"
	done
	tm new-session -d -s "$name" -x 100 -y 30 "$_cmd" || fail "cannot start tmux"
	[ -n "$sockpath" ] || sockpath=$(tm display-message -p '#{socket_path}')
}

# modes: the pane's cursor and mouse reporting, as "cursor mouse sgr".
modes() {
	tm display-message -p -t "$name" '#{cursor_flag} #{mouse_standard_flag} #{mouse_sgr_flag}'
}

# ready: the child runs, with a pipe as stdin and the pane's size, and
# (as a UI would) it has hidden the cursor and turned the mouse on.
ready() {
	wait_for "^child ready stdin=pipe ui=1 lines=30 columns=100 ppid=[0-9]+$" \
		"the child did not start as expected"
	[ "$(modes)" = "0 1 1" ] || fail "the child's modes are $(modes), not 0 1 1"
}

# finish STATUS: relay_run returned STATUS, the terminal is as before,
# the cursor visible and the mouse reporting off.
finish() {
	wait_for "^relay exit $1$" "relay_run did not return $1"
	wait_for "^rc=$1$" "relay-main did not exit with $1"
	wait_for "^pane done$" "the pane did not finish"
	[ "$(modes)" = "1 0 0" ] || fail "the modes after are $(modes), not 1 0 0"
	[ -s "$tmp/$name/before" ] || fail "no stty -g before"
	cmp -s "$tmp/$name/before" "$tmp/$name/after" ||
		fail "stty -g before: $(cat "$tmp/$name/before") after: $(cat "$tmp/$name/after")"
	echo "ok $name"
}

relay_pid() {
	pane | sed -n 's/^child ready .* ppid=\([0-9]*\)$/\1/p' | head -n 1
}

# signal_relay SIG: SIG to the relay itself (the child's parent), as a
# user's kill of the launcher would send it.
signal_relay() {
	pid=$(relay_pid)
	[ -n "$pid" ] || fail "no relay pid"
	kill "-$1" "$pid" || fail "cannot signal the relay"
}

start keys "$CHILD"
ready
tm send-keys -t keys a b 1 Up Left PageDown End BTab Enter BSpace
wait_for "^key backspace$" "keys did not arrive"
pane | grep -A 9 '^key char a$' | tr '\n' ' ' |
	grep -Fq "key char a key char b key char 1 key up key left key pgdn key end key btab key enter key backspace" ||
	fail "keys arrived out of order or changed"
tm send-keys -t keys Escape
wait_for "^key esc$" "a lone Escape did not arrive as esc"
tm resize-window -t keys -x 120 -y 40 || fail "tmux cannot resize"
size=$(tm display-message -p -t keys '#{pane_height}x#{pane_width}')
[ "$size" = 40x120 ] || fail "the pane is $size, not 40x120"
wait_for "^key resize 40x120$" "the resize did not arrive"
# an SGR mouse press at column 5, row 3 (1-based), as a terminal sends it
tm send-keys -t keys -H 1b 5b 3c 30 3b 35 3b 33 4d
wait_for "^key mouse 4,2 button 0$" "the mouse press did not arrive"
tm send-keys -t keys z q
wait_for "^key char q$" "q did not arrive"
finish 0

start interrupt "$CHILD"
ready
tm send-keys -t interrupt C-c
wait_for "^key interrupt$" "Ctrl-C did not arrive as a key"
finish 0
pane | grep -q '^mpiloom: ' && fail "a message after an end of mpiloom's own"

# an end that is not mpiloom's own (a rank killed: the status is the
# signal's number) is said in one line, the alternate screen gone
start status "$CHILD"
ready
tm send-keys -t status x
finish 7
wait_for "^mpiloom: the run ended abnormally: relay-child exited with status 7, as it does when a rank is killed by signal 7 \\(Bus error\\)$" \
	"no line about the abnormal end"

start crash "$CHILD"
ready
tm send-keys -t crash s
finish 139
wait_for "^mpiloom: relay-child was killed by signal 11 \\(Segmentation fault\\)$" "no line about the signal"

# a signal to the launcher becomes SIGTERM to mpiexec
start term "$CHILD"
ready
signal_relay TERM
finish 143

# ... and SIGKILL 5 s later if mpiexec does not end; the status is the
# launcher's signal's (128 + SIGINT), whatever became of mpiexec
start kill "$CHILD" ignore-term
ready
signal_relay INT
finish 130

# a child that no longer reads: Ctrl-C ends it all the same
start deaf "$CHILD" close-stdin
ready
wait_for "^child closed stdin$"
tm send-keys -t deaf C-c
finish 143

start noexec "$tmp/no-such-program"
wait_for "^mpiloom: cannot run $tmp/no-such-program: No such file or directory$" \
	"no message for a program that cannot run"
finish 127

exit 0
