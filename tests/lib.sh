# Sourced by every test script. `make check` exports top_builddir,
# top_srcdir and MPIEXEC; the defaults let a script run by hand:
#   top_builddir=/tmp/bt sh tests/probe.sh

: "${top_builddir:=/tmp/bt}"
: "${top_srcdir:=/work/main}"
: "${MPIEXEC:=mpiexec.mpich}"
MPILOOM=$top_builddir/src/mpiloom
CHECK_TEXT=$top_srcdir/tests/check-text.awk
unset MPILOOM_UI MPILOOM_DELAY_MS MPILOOM_TRACE

[ -x "$MPILOOM" ] || { echo "no $MPILOOM: build first" >&2; exit 99; }
command -v "$MPIEXEC" >/dev/null 2>&1 || { echo "SKIP: no $MPIEXEC" >&2; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpiloom-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM
out=$tmp/out
err=$tmp/err
cmd=

# run_mpi N ARGS...: mpiloom --text ARGS on N ranks; sets $out, $err, $rc.
# A run still going after 60 s fails the test at once.
# In the sanitizer build, programs run with the sanitizer runtime and
# tests/keep-modules preloaded (see tests/keep-modules.c).
with_preload() {
	if [ -n "${MPILOOM_TEST_PRELOAD:-}" ]; then
		LD_PRELOAD=$MPILOOM_TEST_PRELOAD "$@"
	else
		"$@"
	fi
}

run_mpi() {
	_n=$1
	shift
	cmd="$MPIEXEC -n $_n $MPILOOM --text $*"
	rc=0
	with_preload timeout -k 5 60 "$MPIEXEC" -n "$_n" "$MPILOOM" --text "$@" </dev/null >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "timed out after 60 s"
}

# run_plain ARGS...: mpiloom ARGS outside mpiexec, same $out, $err, $rc.
run_plain() {
	cmd="$MPILOOM $*"
	rc=0
	with_preload timeout -k 5 60 "$MPILOOM" "$@" </dev/null >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "timed out after 60 s"
}

fail() {
	echo "FAIL: $*"
	[ -z "$cmd" ] || echo "  command: $cmd (exit $rc)"
	[ ! -s "$out" ] || { echo "  stdout (last 8 lines):"; tail -n 8 "$out" | sed 's/^/    /'; }
	[ ! -s "$err" ] || { echo "  stderr (last 8 lines):"; tail -n 8 "$err" | sed 's/^/    /'; }
	exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# assert_match ERE [WHAT]: some line of $out matches.
assert_match() {
	grep -Eq -- "$1" "$out" || fail "${2:-no line of stdout matches} /$1/"
}

# check_text: $out passes every invariant of check-text.awk.
check_text() {
	awk -f "$CHECK_TEXT" "$out" 2>"$tmp/check" ||
		fail "check-text.awk: $(sed -n '1,10p' "$tmp/check")"
}

# result_text: what follows "| " on the result line.
result_text() {
	sed -n 's/^# result: [^|]*| //p' "$out"
}
