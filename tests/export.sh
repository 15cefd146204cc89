#!/bin/sh
# mpiloom export: recordings at several rank counts exported to every
# format and read back by real tools (otf2-print, python3's json, csv and
# xml parsers, rsvg-convert); the counts must be those `mpiloom info`
# reports. Damaged and hostile logs export what they hold, outputs are
# never overwritten without --force.
. "${top_srcdir:-.}/tests/lib.sh"

CHECK="python3 $top_srcdir/tests/check-export.py"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3" >&2; exit 77; }
command -v rsvg-convert >/dev/null 2>&1 || { echo "SKIP: no rsvg-convert (librsvg2-bin)" >&2; exit 77; }

export_to() { # FORMAT OUT LOG [OPTIONS]: sets $rc, $out, $err
	_f=$1 _o=$2 _l=$3
	shift 3
	run_plain export "--$_f" "$_o" "$@" "$_l"
}

# info's numbers: events, matched messages
info_numbers() {
	with_preload "$MPILOOM" info "$1" >"$tmp/info" 2>/dev/null
	events=$(sed -n 's/^events: \([0-9]*\) .*/\1/p' "$tmp/info")
	matched=$(sed -n 's/.*messages: \([0-9]*\) matched.*/\1/p' "$tmp/info")
	ranks=$(sed -n 's/^ranks: \([0-9]*\)$/\1/p' "$tmp/info")
	unmatched=$(sed -n 's/.*matched, \([0-9]*\) unmatched$/\1/p' "$tmp/info")
	[ -n "$events" ] && [ -n "$matched" ] && [ -n "$ranks" ] || fail "info of $1: $(cat "$tmp/info")"
}

# dump's counts of sends and receives
dump_count() { # LOG KINDS-ERE
	with_preload "$MPILOOM" dump "$1" 2>/dev/null | awk -v re="^($2)\$" '$4 ~ re { n++ } END { print n + 0 }'
}

otf2=yes
run_plain export --otf2 "$tmp/probe-otf2" "$tmp/none.loom"
if grep -q 'built without OTF2' "$err"; then
	otf2=no
	assert_eq "$rc" 2 "export --otf2 without OTF2"
	echo "ok export --otf2 says it was built without OTF2 (OTF2 checks skipped)"
elif ! command -v otf2-print >/dev/null 2>&1; then
	fail "mpiloom has OTF2 but otf2-print (otf2-tools) is missing"
fi

check_otf2() { # LOG DIR
	otf2-print "$2/traces.otf2" >"$tmp/otf2.txt" 2>"$tmp/otf2.err" || fail "otf2-print $2: $(head -3 "$tmp/otf2.err")"
	[ -s "$tmp/otf2.err" ] && fail "otf2-print $2 complained: $(head -3 "$tmp/otf2.err")"
	enters=$(grep -c '^ENTER ' "$tmp/otf2.txt")
	leaves=$(grep -c '^LEAVE ' "$tmp/otf2.txt")
	sends=$(grep -c '^MPI_SEND ' "$tmp/otf2.txt")
	recvs=$(grep -c '^MPI_RECV ' "$tmp/otf2.txt")
	assert_eq "$enters" "$events" "$2: OTF2 enters"
	assert_eq "$leaves" "$events" "$2: OTF2 leaves"
	assert_eq "$sends" "$(dump_count "$1" 'send|ssend|bsend|rsend')" "$2: OTF2 sends"
	assert_eq "$recvs" "$(dump_count "$1" 'recv')" "$2: OTF2 receives"
	colls=$(dump_count "$1" 'barrier|bcast|gather|scatter|reduce|allreduce')
	assert_eq "$(grep -c '^MPI_COLLECTIVE_BEGIN ' "$tmp/otf2.txt")" "$colls" "$2: OTF2 collectives begun"
	assert_eq "$(grep -c '^MPI_COLLECTIVE_END ' "$tmp/otf2.txt")" "$colls" "$2: OTF2 collectives ended"
	if [ "$unmatched" = 0 ]; then
		# every message was sent and received once
		assert_eq "$sends" "$matched" "$2: OTF2 sends = info's messages"
		assert_eq "$recvs" "$matched" "$2: OTF2 receives = info's messages"
	fi
}

# every format, read back: LOG NAME
check_all() {
	log=$1 name=$2
	info_numbers "$log"
	export_to chrome "$tmp/$name.json" "$log"
	assert_eq "$rc" 0 "$name: export --chrome"
	$CHECK chrome "$tmp/$name.json" "$events" "$matched" 2>"$tmp/py" || fail "$name: $(cat "$tmp/py")"
	export_to csv "$tmp/$name.csv" "$log"
	assert_eq "$rc" 0 "$name: export --csv"
	$CHECK csv "$tmp/$name.csv" "$events" 2>"$tmp/py" || fail "$name: $(cat "$tmp/py")"
	export_to svg "$tmp/$name.svg" "$log"
	assert_eq "$rc" 0 "$name: export --svg"
	$CHECK svg "$tmp/$name.svg" "$ranks" "$matched" 2>"$tmp/py" || fail "$name: $(cat "$tmp/py")"
	rsvg-convert "$tmp/$name.svg" -o "$tmp/$name.png" 2>"$tmp/rsvg" || fail "$name: rsvg-convert: $(cat "$tmp/rsvg")"
	[ -s "$tmp/$name.png" ] || fail "$name: rsvg-convert wrote nothing"
	if [ "$otf2" = yes ]; then
		export_to otf2 "$tmp/$name-otf2" "$log"
		assert_eq "$rc" 0 "$name: export --otf2"
		check_otf2 "$log" "$tmp/$name-otf2"
	fi
	echo "ok export $name ($events events, $matched messages)"
}

for run in "1 tree-sum" "2 tree-sum" "3 probe" "5 tree-sum --count 3" "4 bcast" "3 status" "5 gather" \
	"3 buffer" "4 linear-sum" "3 object"; do
	set -- $run
	n=$1
	shift
	name="$1-$n"
	rm -f "$tmp/$name.loom"
	run_mpi "$n" --record "$tmp/$name.loom" "$@"
	assert_eq "$rc" 0 "record $run"
	check_all "$tmp/$name.loom" "$name"
done
log=$tmp/tree-sum-5.loom

# logical time: the slide of a textbook broadcast, arrows left to right
run_mpi 8 --record "$tmp/tb.loom" --collectives textbook bcast
assert_eq "$rc" 0 "record textbook bcast"
info_numbers "$tmp/tb.loom"
export_to svg "$tmp/logical.svg" "$tmp/tb.loom" --time logical
assert_eq "$rc" 0 "export --svg --time logical"
$CHECK svg-logical "$tmp/logical.svg" 8 "$matched" 2>"$tmp/py" || fail "logical svg: $(cat "$tmp/py")"
grep -q 'in logical time</text>' "$tmp/logical.svg" || fail "logical svg: the subtitle does not say so"
rsvg-convert "$tmp/logical.svg" -o "$tmp/logical.png" 2>"$tmp/rsvg" || fail "logical svg: rsvg-convert: $(cat "$tmp/rsvg")"
export_to csv "$tmp/logical.csv" "$tmp/tb.loom" --time logical
assert_eq "$rc" 2 "--time logical with --csv"
echo "ok svg in logical time"

# the summary line, and the tree levels labelled in the picture
export_to svg "$tmp/levels.svg" "$log"
assert_match '^.*levels.svg: SVG picture, [0-9]+ events, [0-9]+ messages$' "summary line"
grep -q 'class="lv"[^>]*>L1<' "$tmp/levels.svg" || fail "no tree level label L1 in the SVG"
echo "ok svg labels tree levels"

# a time window: only what it shows, and a wrong one refused
export_to svg "$tmp/window.svg" "$log" --from 0 --to 1ns
assert_eq "$rc" 0 "svg window"
$CHECK svg "$tmp/window.svg" 5 0 2>"$tmp/py" || fail "empty window: $(cat "$tmp/py")"
export_to svg "$tmp/bad-window.svg" "$log" --from 5ms --to 1ms
assert_eq "$rc" 2 "--from after --to"
[ -e "$tmp/bad-window.svg" ] && fail "a refused export left a file"
export_to csv "$tmp/x.csv" "$log" --from 1ms
assert_eq "$rc" 2 "--from with --csv"
echo "ok svg window"

# no overwriting without --force; --force overwrites; never the log itself
for f in chrome csv svg; do
	: >"$tmp/exists.$f"
	export_to "$f" "$tmp/exists.$f" "$log"
	assert_eq "$rc" 2 "$f onto an existing file"
	grep -q 'exists; --force overwrites it' "$err" || fail "$f: no reason given for refusing"
	[ -s "$tmp/exists.$f" ] && fail "$f: the existing file was changed"
	export_to "$f" "$tmp/exists.$f" "$log" --force
	assert_eq "$rc" 0 "$f --force"
	[ -s "$tmp/exists.$f" ] || fail "$f --force wrote nothing"
done
cp "$log" "$tmp/self.loom"
export_to csv "$tmp/self.loom" "$tmp/self.loom" --force
assert_eq "$rc" 2 "export onto the log itself"
cmp -s "$log" "$tmp/self.loom" || fail "the log was overwritten"
if [ "$otf2" = yes ]; then
	export_to otf2 "$tmp/tree-sum-5-otf2" "$log"
	assert_eq "$rc" 2 "otf2 onto an existing archive"
	export_to otf2 "$tmp/tree-sum-5-otf2" "$log" --force
	assert_eq "$rc" 0 "otf2 --force"
	info_numbers "$log"
	check_otf2 "$log" "$tmp/tree-sum-5-otf2"
fi
echo "ok no overwriting without --force"

# not a log, a missing log: exit 2, one line, no output left behind
printf 'hello\n' >"$tmp/text"
for f in "$tmp/text" "$tmp/missing"; do
	export_to chrome "$tmp/never.json" "$f"
	assert_eq "$rc" 2 "export of $f"
	[ "$(wc -l <"$err")" -eq 1 ] || fail "export of $f: not one line on stderr"
	[ -e "$tmp/never.json" ] && fail "export of $f left an output"
done
echo keep >"$tmp/keep.json"
export_to chrome "$tmp/keep.json" "$tmp/text" --force
assert_eq "$rc" 2 "--force from a file that is no log"
assert_eq "$(cat "$tmp/keep.json")" keep "--force from no log: the old output"
run_plain export "$log"
assert_eq "$rc" 2 "no format"
run_plain export --csv "$tmp/x.csv" --bogus "$log"
assert_eq "$rc" 2 "unknown option"
grep -q "unknown or incomplete option '--bogus'" "$err" || fail "unknown option not named"
run_plain export --help
assert_eq "$rc" 0 "export --help"
assert_match '^usage: mpiloom export ' "export --help"
echo "ok unusable input"

# an output that cannot be written: exit 3, the reason
if [ -w /dev/full ]; then
	for f in chrome csv svg; do
		export_to "$f" /dev/full "$log" --force
		assert_eq "$rc" 3 "$f to a full disk"
		grep -q 'cannot write /dev/full: No space left on device' "$err" || fail "$f: no reason for the failed write"
	done
	echo "ok write errors"
fi

# a truncated log: what it holds is exported, exit 4, the loss said once
size=$(wc -c <"$log")
head -c $((size - 10)) "$log" >"$tmp/cut.loom"
info_numbers "$tmp/cut.loom"
for f in chrome csv svg; do
	export_to "$f" "$tmp/cut.$f" "$tmp/cut.loom"
	assert_eq "$rc" 4 "$f of a truncated log"
	grep -q 'truncated at byte [0-9]*: [0-9]* events recovered' "$err" || fail "$f: truncation not said"
	[ "$(wc -l <"$err")" -eq 1 ] || fail "$f: more than one line on stderr"
done
$CHECK chrome "$tmp/cut.chrome" "$events" "$matched" 2>"$tmp/py" || fail "truncated: $(cat "$tmp/py")"
$CHECK csv "$tmp/cut.csv" "$events" 2>"$tmp/py" || fail "truncated: $(cat "$tmp/py")"
$CHECK svg "$tmp/cut.svg" "$ranks" "$matched" 2>"$tmp/py" || fail "truncated: $(cat "$tmp/py")"
if [ "$otf2" = yes ]; then
	export_to otf2 "$tmp/cut-otf2" "$tmp/cut.loom"
	assert_eq "$rc" 4 "otf2 of a truncated log"
	check_otf2 "$tmp/cut.loom" "$tmp/cut-otf2"
fi
echo "ok truncated log"

# hostile strings and payloads: every output still parses, and says them
with_preload "$top_builddir/tests/hostile-log" "$tmp/hostile.loom" || fail "hostile-log"
for f in chrome csv svg; do
	export_to "$f" "$tmp/hostile.$f" "$tmp/hostile.loom"
	assert_eq "$rc" 0 "$f of the hostile log"
	$CHECK "hostile-$f" "$tmp/hostile.$f" 2>"$tmp/py" || fail "hostile $f: $(cat "$tmp/py")"
done
rsvg-convert "$tmp/hostile.svg" -o "$tmp/hostile.png" 2>"$tmp/rsvg" || fail "hostile svg: rsvg-convert: $(cat "$tmp/rsvg")"
if [ "$otf2" = yes ]; then
	export_to otf2 "$tmp/hostile-otf2" "$tmp/hostile.loom"
	assert_eq "$rc" 0 "otf2 of the hostile log"
	info_numbers "$tmp/hostile.loom"
	check_otf2 "$tmp/hostile.loom" "$tmp/hostile-otf2"
fi
echo "ok hostile log"
