#!/bin/sh
# mpiloom export never overwrites or removes the log it reads, --force or
# not: an output that is the log under another name, through a symbolic
# or a hard link, is refused (exit 2, one line), and so is an OTF2
# directory where the archive would write or --force would remove the log
# (DIR itself, DIR/traces.otf2, DIR/traces.def, anything in DIR/traces/).
. "${top_srcdir:-.}/tests/lib.sh"

seed=$top_srcdir/tests/fuzz-seeds/bcast.loom

# refused WHAT PATH FORMAT OUT LOG [--force]: exit 2, one line naming PATH
# as the log, and the log ($LOG) as it was
refused() {
	_what=$1 _path=$2
	shift 2
	run_plain export "--$1" "$2" ${4:-} "$3"
	assert_eq "$rc" 2 "$_what: exit status"
	assert_eq "$(cat "$err")" "mpiloom: $_path is the log being exported" "$_what: stderr"
	cmp -s "$seed" "$LOG" || fail "$_what: the log was changed or removed"
	echo "ok $_what"
}

LOG=$tmp/run.loom
cp "$seed" "$LOG"
ln -s "$LOG" "$tmp/symlink"
ln "$LOG" "$tmp/hardlink"
for f in chrome csv svg; do
	refused "$f onto the log" "$LOG" "$f" "$LOG" "$LOG" --force
	refused "$f onto a symbolic link to the log" "$tmp/symlink" "$f" "$tmp/symlink" "$LOG" --force
	refused "$f onto a hard link to the log" "$tmp/hardlink" "$f" "$tmp/hardlink" "$LOG" --force
done

run_plain export --otf2 "$tmp/probe" "$tmp/none.loom"
if grep -q 'built without OTF2' "$err"; then
	echo "ok OTF2 checks skipped: built without OTF2"
	exit 0
fi

refused "otf2 into the log" "$LOG" otf2 "$LOG" "$LOG" --force
refused "otf2 into a symbolic link to the log" "$tmp/symlink" otf2 "$tmp/symlink" "$LOG" --force

# the log where the archive goes: each name, with and without --force
for name in traces.otf2 traces.def traces/0.def traces/0.evt traces/notes.loom; do
	for force in "" --force; do
		dir=$tmp/d-$(echo "$name" | tr / -)$force
		mkdir -p "$dir/traces"
		LOG=$dir/$name
		cp "$seed" "$LOG"
		refused "otf2 with the log as DIR/$name ${force:-(no --force)}" "$LOG" otf2 "$dir" "$LOG" $force
	done
done

# linked in: a hard link as the anchor, a symbolic link as traces/
LOG=$tmp/elsewhere/run.loom
mkdir "$tmp/elsewhere" "$tmp/hard"
cp "$seed" "$LOG"
ln "$LOG" "$tmp/hard/traces.otf2"
refused "otf2 with a hard link to the log as DIR/traces.otf2" "$tmp/hard/traces.otf2" otf2 "$tmp/hard" "$LOG" --force
cp "$seed" "$tmp/elsewhere/run.def"
LOG=$tmp/elsewhere/run.def
mkdir "$tmp/soft"
ln -s "$tmp/elsewhere" "$tmp/soft/traces"
refused "otf2 with the log in a linked DIR/traces/" "$tmp/soft/traces/run.def" otf2 "$tmp/soft" "$LOG" --force

# the rule keeps the ordinary case: a log beside the archive it replaces
mkdir "$tmp/fine"
cp "$seed" "$tmp/fine/run.loom"
run_plain export --otf2 "$tmp/fine" "$tmp/fine/run.loom"
assert_eq "$rc" 0 "otf2 into the log's own directory"
run_plain export --otf2 "$tmp/fine" "$tmp/fine/run.loom" --force
assert_eq "$rc" 0 "otf2 --force into the log's own directory"
cmp -s "$seed" "$tmp/fine/run.loom" || fail "otf2 beside the log: the log was changed"
echo "ok otf2 beside the log"
