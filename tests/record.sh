#!/bin/sh
# Record and replay without a screen: a recording dumps to exactly the
# lines the live --text run printed, info tells what it holds, and a
# damaged or truncated file is read as far as it can be, with a distinct
# exit status and a one-line reason.
. "${top_srcdir:-.}/tests/lib.sh"

log=$tmp/run.loom

# every scenario: record with --text, then dump: the same lines (compare's
# table included, at two repetitions to keep it short)
for s in object buffer probe status bcast gather scatter compare tree-sum linear-sum reduce; do
	rm -f "$log"
	opts=
	[ "$s" = compare ] && opts="--reps 2"
	# shellcheck disable=SC2086 # opts is empty or two words
	run_mpi 3 --record "$log" $opts "$s"
	assert_eq "$rc" 0 "$s: recorded run"
	cp "$out" "$tmp/live"
	with_preload "$MPILOOM" dump "$log" >"$out" 2>"$err" || fail "$s: dump exited $?"
	cmp -s "$tmp/live" "$out" || fail "$s: dump differs from the live --text output"
	echo "ok record $s"
done

# info: what the file holds (the last recording: reduce)
with_preload "$MPILOOM" info "$log" >"$out" 2>"$err" || fail "info exited $?"
assert_match '^file: .* bytes, format 2\)$' "info: file"
assert_match '^scenario: reduce$' "info: scenario"
assert_match '^ranks: 3$' "info: ranks"
assert_match '^events: [0-9]+ \(lost 0\), messages: 0 matched, 0 unmatched$' "info: events"
assert_match '^result: check passed, 3/3 ranks ok: sum = 6' "info: result"
assert_match '^health: complete' "info: health"
echo "ok info"

# a run with --count and --root keeps its options
rm -f "$log"
run_mpi 5 --record "$log" --count 4 --root 2 tree-sum
assert_eq "$rc" 0 "tree-sum --count 4 --root 2"
with_preload "$MPILOOM" info "$log" >"$out" 2>"$err"
assert_match '^scenario: tree-sum --count 4 --root 2$' "info: options kept"
echo "ok options kept"

# truncated: dump recovers whole chunks, exit 4, says where it was cut
size=$(wc -c <"$log")
head -c $((size - 10)) "$log" >"$tmp/cut.loom"
rc=0
with_preload "$MPILOOM" dump "$tmp/cut.loom" >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 4 "truncated dump"
grep -q 'truncated at byte [0-9]*: [0-9]* events recovered' "$err" || fail "truncation message"
[ "$(wc -l <"$err")" -eq 1 ] || fail "more than one line on stderr"
with_preload "$MPILOOM" info "$tmp/cut.loom" >"$out" 2>"$err" || true
assert_match '^health: TRUNCATED at byte' "info: truncated"
echo "ok truncated"

# a flipped byte inside the events: reported, the rest still read
cp "$log" "$tmp/flip.loom"
off=$((size / 2))
# the byte's complement, so that it surely changes
v=$(od -An -tu1 -j "$off" -N1 "$log" | tr -d ' ')
printf "\\$(printf '%03o' $((255 - v)))" | dd of="$tmp/flip.loom" bs=1 seek="$off" conv=notrunc 2>/dev/null
cmp -s "$log" "$tmp/flip.loom" && fail "the byte did not change"
rc=0
with_preload "$MPILOOM" dump "$tmp/flip.loom" >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 4 "damaged dump"
grep -Eq 'damaged|truncated' "$err" || fail "damage message"
echo "ok damaged"

# not a log, an empty file, a missing file: exit 2, one line
printf 'hello\n' >"$tmp/text"
: >"$tmp/empty"
for f in "$tmp/text" "$tmp/empty" "$tmp/missing"; do
	rc=0
	with_preload "$MPILOOM" dump "$f" >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 2 "dump $f"
	[ "$(wc -l <"$err")" -eq 1 ] || fail "dump $f: not one line on stderr"
	[ -s "$out" ] && fail "dump $f printed something"
done
echo "ok not a log"

# a newer format version (its header's checksum made right): exit 2, one line
if command -v python3 >/dev/null 2>&1; then
	python3 - "$log" "$tmp/newer.loom" <<'PY' || fail "cannot write a newer log"
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack_from("<I", d, 12)[0]
struct.pack_into("<I", d, 8, 99)
struct.pack_into("<I", d, n - 4, zlib.crc32(bytes(d[:n - 4])))
open(sys.argv[2], "wb").write(d)
PY
	for cmd in dump info; do
		rc=0
		with_preload "$MPILOOM" "$cmd" "$tmp/newer.loom" >"$out" 2>"$err" || rc=$?
		assert_eq "$rc" 2 "$cmd of a newer log"
		assert_eq "$(cat "$err")" "mpiloom: $tmp/newer.loom: format version 99 is newer than this mpiloom reads (2)" \
			"$cmd of a newer log: message"
		[ -s "$out" ] && fail "$cmd of a newer log printed something"
	done
	echo "ok newer version"
	# a header whose worst round trip is INT64_MIN (random damage made it
	# so): info formats it without negating it (UBSan's report)
	python3 - "$log" "$tmp/rtt.loom" <<'PY' || fail "cannot write the log"
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack_from("<I", d, 12)[0]
struct.pack_into("<q", d, 32, -2**63)
struct.pack_into("<I", d, n - 4, zlib.crc32(bytes(d[:n - 4])))
open(sys.argv[2], "wb").write(d)
PY
	rc=0
	with_preload "$MPILOOM" info "$tmp/rtt.loom" >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 0 "info of a log with a round trip of INT64_MIN"
	assert_match '^clock: several hosts, offsets from ping-pong \(worst round trip -9\.22e\+09s\)$' \
		"info: the round trip of INT64_MIN"
	echo "ok a round trip of INT64_MIN"
else
	echo "skip newer version: no python3"
fi

# strings and payloads of a log are escaped: tests/hostile-log writes
# quotes, escape sequences, control characters and invalid UTF-8 in the
# header, the result and a payload; dump and info print none of them raw
with_preload "$top_builddir/tests/hostile-log" "$tmp/hostile.loom" || fail "hostile-log"
for cmd in dump info; do
	with_preload "$MPILOOM" "$cmd" "$tmp/hostile.loom" >"$out" 2>"$err" || fail "$cmd of the hostile log exited $?"
	LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177-\377]')" "$out" "$err" &&
		fail "$cmd of the hostile log printed a raw control or non-ASCII byte"
	grep -q 'x1b\[31m' "$out" || fail "$cmd of the hostile log: no escaped ESC"
done
echo "ok hostile strings escaped"

# a file that cannot be written: refused before any rank starts
rc=0
with_preload timeout 20 "$MPILOOM" -n 2 --text --record /nonexistent/dir/x.loom gather </dev/null >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 2 "unwritable record path"
grep -q 'cannot record to /nonexistent/dir/x.loom: No such file or directory' "$err" ||
	fail "unwritable path message"
[ -s "$out" ] && fail "the run started anyway"
# the same under mpiexec typed by hand: every rank stops
run_mpi 3 --record /nonexistent/dir/x.loom gather
assert_eq "$rc" 2 "unwritable path under mpiexec"
[ "$(grep -c 'cannot record' "$err")" -eq 1 ] || fail "not exactly one message"
echo "ok unwritable"

# replay needs a terminal
rc=0
with_preload "$MPILOOM" replay "$log" >"$out" 2>"$err" </dev/null || rc=$?
assert_eq "$rc" 2 "replay without a terminal"
echo "ok replay refuses a pipe"

# --record is written as the run goes on (every 100 ms), in every mode: a
# recording that a kill cuts short holds the run up to about then, not
# just its header (run --text once wrote it all at the end)
ticker=$top_builddir/tests/programs/ticker
[ -x "$ticker" ] || { echo "no $ticker: make check builds it" >&2; exit 99; }

# info_events FILE: the events a growing (or cut) file holds, -1 if unreadable
info_events() {
	_irc=0
	"$MPILOOM" info "$1" >"$tmp/info" 2>&1 || _irc=$?
	if [ "$_irc" -ne 0 ] && [ "$_irc" -ne 4 ]; then
		echo -1
		return
	fi
	sed -n 's/^events: \([0-9]*\) .*/\1/p' "$tmp/info"
}

# last_tick: the last tick the ticker's rank 0 said, 0 before the first
last_tick() {
	_t=$(sed -n 's/^\[stdout\] ticker: tick \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	echo "${_t:-0}"
}

# gone PATTERN WHAT: within 20 s no process matches
gone() {
	_deadline=$(($(date +%s) + 20))
	while pgrep -f "$1" >/dev/null; do
		[ "$(date +%s)" -le "$_deadline" ] || fail "$2: processes left behind"
		sleep 0.2
	done
}

# front_of REC: the mpiloom that timeout started for the run recording to
# REC (the background job is a subshell of with_preload; the ranks of a
# scenario are mpiloom processes too)
front_of() {
	pgrep -P "$(pgrep -f "^timeout -k 5 60 .*--record $1 " | head -n 1)"
}

# a failing check must not leave the run going: its front stops it
trap 'f=$(front_of "$rec"); [ -z "$f" ] || kill $f; rm -rf "$tmp"' EXIT

rec=$tmp/grow.loom
cmd="$MPILOOM run -n 3 --text --record $rec -- $ticker 50 41"
: >"$out"
with_preload timeout -k 5 60 "$MPILOOM" run -n 3 --text --record "$rec" -- "$ticker" 50 41 \
	</dev/null >"$out" 2>"$err" &
bg=$!
deadline=$(($(date +%s) + 40))
while [ "$(last_tick)" -lt 20 ] && [ "$(date +%s)" -le "$deadline" ]; do
	sleep 0.1
done
[ "$(last_tick)" -ge 20 ] || fail "the ticker never reached tick 20"
n=$(info_events "$rec")
# 20 ticks: 3 ranks' init and 20 barriers each, less the last flushes'
[ "$n" -ge 30 ] || fail "run --text --record: after 20 ticks the file holds $n events: $(cat "$tmp/info")"
# SIGKILL: no clean-up runs, what is on disk is all there is (the front,
# not the background job: that is a subshell of with_preload)
front=$(front_of "$rec")
tick=$(last_tick)
kill -9 "$front"
wait "$bg" 2>/dev/null
gone "$ticker 50 41" "run --text, front killed"
b=$("$MPILOOM" dump "$rec" 2>/dev/null | grep -Ec '^ *[0-9.]+ r0 #[0-9]+ barrier')
# tick N is said after rank 0's Nth barrier; 8 ticks are 400 ms: two
# flushes of 100 ms and the time to see the line, on a loaded machine
[ "$b" -ge $((tick - 8)) ] ||
	fail "run --text: killed at tick $tick, the recording holds $b of rank 0's barriers"
echo "ok run --text --record written as it runs: $n events at tick 20, $b barriers of $tick after kill -9"

# a scenario's recording (rank 0 writes it): the same; a call every 2 s
# on each rank, so that the run is still going when the file has them
rec=$tmp/grow-scenario.loom
cmd="$MPILOOM -n 4 --text --delay 2000 --record $rec linear-sum"
with_preload timeout -k 5 60 "$MPILOOM" -n 4 --text --delay 2000 --record "$rec" linear-sum \
	</dev/null >"$out" 2>"$err" &
bg=$!
deadline=$(($(date +%s) + 40))
n=0
while [ "$n" -lt 8 ] && [ "$(date +%s)" -le "$deadline" ] && kill -0 "$bg" 2>/dev/null; do
	sleep 0.2
	[ -s "$rec" ] && n=$(info_events "$rec")
done
[ "$n" -ge 8 ] || fail "scenario --record: the running file holds $n events"
front=$(front_of "$rec")
[ -n "$front" ] || fail "scenario --record: the run ended too soon for the test"
kill -9 "$front"
wait "$bg" 2>/dev/null
gone "record $rec linear-sum" "scenario, launcher killed"
m=$(info_events "$rec")
[ "$m" -ge "$n" ] || fail "scenario --record: $n events while running, $m after the kill"
# the run ended with its launcher: no rank got to write the end
grep -q '^health: TRUNCATED' "$tmp/info" ||
	fail "scenario --record: the run went on after its launcher was killed: $(cat "$tmp/info")"
echo "ok scenario --record written as it runs: $m events after kill -9"
