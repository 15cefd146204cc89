#!/bin/sh
# A file or program name is printed quoted, as `ls --quoting-style=
# shell-escape` prints it: a name holding ESC ] 0 ; title BEL and a newline
# retitles no terminal and splits no message. Each message that names a
# file or a program (dump, info, replay, export, run, --record, mpiexec,
# TMPDIR) is one line, holds no raw control byte, and holds the quoted name.
. "${top_srcdir:-.}/tests/lib.sh"

unset PMI_RANK PMI_FD PMI_SIZE PMIX_RANK OMPI_COMM_WORLD_RANK MPILOOM_MPIEXEC

bad=$(printf 'x\033]0;pwned\007y\nz')
# the quoted form of DIR/$bad for a DIR of plain characters: "'DIR/" and this
suffix=$(cat <<'EOF'
x'$'\033'']0;pwned'$'\a''y'$'\n''z'
EOF
)
q() { printf "'%s%s" "$1" "$suffix"; }
ctl=$(printf '[\001-\010\013-\037\177]')

# said WHAT TEXT: the command just run wrote TEXT as its one line on
# stderr (after "mpiloom: "), and no raw control byte anywhere
said() {
	LC_ALL=C grep -q "$ctl" "$out" "$err" && fail "$1: a raw control byte was printed"
	assert_eq "$(grep -c '' "$err")" 1 "$1: lines on stderr"
	assert_eq "$(cat "$err")" "mpiloom: $2" "$1: stderr"
	echo "ok $1"
}

missing=$tmp/$bad
for c in dump info; do
	run_plain "$c" "$missing"
	assert_eq "$rc" 2 "$c of a missing file"
	said "$c of a missing file" "$(q "$tmp/"): cannot read: No such file or directory"
done
run_plain export --csv "$tmp/o.csv" "$missing"
assert_eq "$rc" 2 "export of a missing file"
said "export of a missing file" "$(q "$tmp/"): cannot read: No such file or directory"

# replay reads the file once it has a terminal
rc=0
MPILOOM=$MPILOOM MISSING=$missing script -qec '"$MPILOOM" replay "$MISSING"' /dev/null </dev/null >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 2 "replay of a missing file"
tr -d '\r' <"$out" >"$err" # the terminal's lines, stderr's included
: >"$out"
said "replay of a missing file" "$(q "$tmp/"): cannot read: No such file or directory"

mkdir "$tmp/text"
printf 'hello\n' >"$tmp/text/$bad"
run_plain dump "$tmp/text/$bad"
assert_eq "$rc" 2 "dump of a file that is no log"
said "dump of a file that is no log" "$(q "$tmp/text/"): not an mpiloom log"

# a log under such a name: info's file line, a damaged log's health line
mkdir "$tmp/log"
log=$tmp/log/$bad
cp "$top_srcdir/tests/fuzz-seeds/bcast.loom" "$log"
run_plain info "$log"
assert_eq "$rc" 0 "info of the log"
LC_ALL=C grep -q "$ctl" "$out" && fail "info: a raw control byte was printed"
assert_eq "$(sed -n 1p "$out" | sed 's/ (.*//')" "file: $(q "$tmp/log/")" "info: file line"
echo "ok info names the file quoted"
mkdir "$tmp/cut"
size=$(wc -c <"$log")
head -c $((size - 10)) "$log" >"$tmp/cut/$bad"
run_plain dump "$tmp/cut/$bad"
assert_eq "$rc" 4 "dump of the cut log"
loss=$(sed -n 's/.*: \(truncated at byte [0-9]*: [0-9]* events recovered\)$/\1/p' "$err")
[ -n "$loss" ] || fail "dump of the cut log: no loss said"
said "dump of the cut log" "$(q "$tmp/cut/"): $loss"

# export: the output's name in the summary, the refusals, a failed write
mkdir "$tmp/csv"
run_plain export --csv "$tmp/csv/$bad" "$top_srcdir/tests/fuzz-seeds/bcast.loom"
assert_eq "$rc" 0 "export to such a name"
LC_ALL=C grep -q "$ctl" "$out" && fail "export summary: a raw control byte was printed"
assert_eq "$(sed 's/: CSV table.*//' "$out")" "$(q "$tmp/csv/")" "export summary"
echo "ok export summary names the output quoted"
run_plain export --csv "$tmp/csv/$bad" "$top_srcdir/tests/fuzz-seeds/bcast.loom"
assert_eq "$rc" 2 "export onto an existing output"
said "export onto an existing output" "$(q "$tmp/csv/") exists; --force overwrites it"
run_plain export --csv "$log" "$log" --force
assert_eq "$rc" 2 "export onto the log"
said "export onto the log" "$(q "$tmp/log/") is the log being exported"
run_plain export --svg "$tmp/nodir/$bad" "$log"
assert_eq "$rc" 3 "export into a missing directory"
said "export into a missing directory" "cannot write $(q "$tmp/nodir/"): No such file or directory"
run_plain export --otf2 "$tmp/csv/$bad" "$log"
assert_eq "$rc" 2 "otf2 onto a file"
if ! grep -q 'built without OTF2' "$err"; then
	said "otf2 onto a file" "$(q "$tmp/csv/") exists and is not a directory"
fi

# mpiloom run: the program, the recording, mpiexec, the temporary file
run_plain run -n 2 -- "$tmp/nodir/$bad"
assert_eq "$rc" 2 "run a missing program"
said "run a missing program" "cannot run $(q "$tmp/nodir/"): No such file or directory"
run_plain run -n 2 -- "$bad"
assert_eq "$rc" 2 "run a program not in PATH"
said "run a program not in PATH" "cannot run $(q ""): no such program in PATH"
run_plain run -n 2 --record "$tmp/nodir/$bad" -- /bin/true
assert_eq "$rc" 2 "run --record into a missing directory"
said "run --record into a missing directory" "cannot record to $(q "$tmp/nodir/"): No such file or directory"
run_plain -n 2 --text --record "$tmp/nodir/$bad" gather
assert_eq "$rc" 2 "--record into a missing directory"
said "--record into a missing directory" "cannot record to $(q "$tmp/nodir/"): No such file or directory"
for c in "run -n 2 -- /bin/true" "-n 2 --text gather"; do
	rc=0
	MPILOOM_MPIEXEC=$tmp/nodir/$bad with_preload "$MPILOOM" $c </dev/null >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 2 "$c with a missing MPILOOM_MPIEXEC"
	said "$c with a missing MPILOOM_MPIEXEC" \
		"cannot run $(q "$tmp/nodir/"): No such file or directory (set MPILOOM_MPIEXEC to MPICH's mpiexec)"
done
rc=0
TMPDIR=$tmp/nodir/$bad with_preload "$MPILOOM" run -n 2 -- /bin/true </dev/null >"$out" 2>"$err" || rc=$?
assert_eq "$rc" 2 "run with a missing TMPDIR"
said "run with a missing TMPDIR" \
	"cannot create a temporary file in $(q "$tmp/nodir/"): No such file or directory"

# what is printed is a shell word for the name itself ($'...' is bash's)
back=$(bash -c "printf %s $(q "$tmp/")")
[ "$back" = "$tmp/$bad" ] || fail "the quoted name does not read back as the name"
echo "ok the quoted name reads back in bash"
