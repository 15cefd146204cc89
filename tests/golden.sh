#!/bin/sh
# What mpiloom writes and prints for a given log does not change by
# accident: dump, info and the CSV export of the seed logs, and the log
# that tests/hostile-log writes, against the copies in tests/golden/
# (made by the build before the source moved into folders). A deliberate
# change of format regenerates them:  tests/golden.sh --update
. "${top_srcdir:-.}/tests/lib.sh"

golden=$top_srcdir/tests/golden
update=0
[ "${1:-}" = --update ] && update=1
fails=0

same() { # same NAME FILE: FILE is the golden copy NAME
	if [ "$update" -eq 1 ]; then
		cp "$2" "$golden/$1"
	elif ! cmp -s "$golden/$1" "$2"; then
		echo "FAIL: $1 differs from tests/golden/$1:" >&2
		diff "$golden/$1" "$2" | head -20 >&2
		fails=$((fails + 1))
	fi
}

# info prints the path as given: name the seeds as the copies did
cd "$top_srcdir" || exit 99
for n in bcast crashed exchange nonblocking output pending; do
	log=tests/fuzz-seeds/$n.loom
	"$MPILOOM" dump "$log" >"$tmp/$n.dump" 2>/dev/null
	same "$n.dump" "$tmp/$n.dump"
	"$MPILOOM" info "$log" >"$tmp/$n.info" 2>/dev/null
	same "$n.info" "$tmp/$n.info"
	if "$MPILOOM" export --csv "$tmp/$n.csv" "$log" >/dev/null 2>&1; then
		same "$n.csv" "$tmp/$n.csv"
	elif [ -e "$golden/$n.csv" ]; then
		echo "FAIL: export --csv of $log failed" >&2
		fails=$((fails + 1))
	fi
done

# the writer: the same events give the same bytes
with_preload "$top_builddir/tests/hostile-log" "$tmp/hostile.loom" || fail "hostile-log failed"
same hostile.loom "$tmp/hostile.loom"

[ "$fails" -eq 0 ] || exit 1
echo "golden: dump, info, csv of 6 logs and the writer's bytes unchanged"
