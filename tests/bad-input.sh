#!/bin/sh
# Bad input: exit 2, one line on stderr (from rank 0 only, not one per
# rank), nothing on stdout, and no hang. Then the commands that need no
# mpiexec: list, --version, --help.
. "${top_srcdir:-/work/main}/tests/lib.sh"

valid='object, buffer, probe, status, bcast, gather, scatter, tree-sum, linear-sum, reduce, compare'

# refused N ERE ARGS...: mpiloom --text ARGS on N ranks exits 2 with one
# line on stderr matching ERE and nothing on stdout.
refused() {
	_n=$1
	_re=$2
	shift 2
	run_mpi "$_n" "$@"
	assert_eq "$rc" 2 "exit status"
	assert_eq "$(grep -c '' "$err")" 1 "lines on stderr"
	grep -Eq -- "$_re" "$err" || fail "stderr does not match /$_re/"
	[ ! -s "$out" ] || fail "stdout is not empty"
	echo "ok refused on $_n ranks: ${*:-(no scenario)}"
}

refused 3 "^mpiloom: unknown scenario 'nope' \\(valid: $valid\\)\$" nope
refused 3 "unknown .*option '--bogus'" --bogus gather
for c in -1 99999999999 abc '' 12abc 1e3; do
	refused 3 "^mpiloom: --count must be a whole number from 0 to 10000000, not '$c'\$" --count "$c" probe
done
refused 3 "^mpiloom: gather takes no --count\$" --count 5 gather
refused 3 "^mpiloom: --count for tree-sum must be from 1 to 10000000, not 0\$" --count 0 tree-sum
refused 1 "^mpiloom: probe needs at least 2 ranks, got 1" probe
for s in object buffer status; do
	refused 1 "^mpiloom: $s needs at least 2 ranks, got 1" "$s"
done
refused 3 "^mpiloom: --root 3 is out of range" --root 3 gather
refused 3 "^mpiloom: --root must be a whole number" --root -1 gather
refused 3 "^mpiloom: probe takes no --root" --root 1 probe
refused 3 "^mpiloom: --delay must be a whole number from 0 to 60000, not '-5'\$" --delay -5 gather
refused 3 "^mpiloom: one scenario at a time, not 'scatter'\$" gather scatter
refused 3 "^mpiloom: no scenario given \\(valid: $valid\\)\$"
refused 2 "^mpiloom: options after -- are for the mpiexec mpiloom starts; under mpiexec, give them to mpiexec\$" gather -- -f hosts

# Outside mpiexec.
unset PMI_RANK PMI_FD PMI_SIZE PMIX_RANK OMPI_COMM_WORLD_RANK
run_plain list
assert_eq "$rc" 0 "list: exit status"
assert_eq "$(grep -c '' "$out")" 11 "list: lines"
assert_eq "$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$out")" "$valid" "list: names"
echo "ok list"

run_plain --version
assert_eq "$rc" 0 "--version: exit status"
assert_eq "$(cat "$out")" "mpiloom 0.1.0" "--version"
echo "ok --version"

run_plain --help
assert_eq "$rc" 0 "--help: exit status"
assert_match '--count N' "--help does not mention"
[ ! -s "$err" ] || fail "--help wrote to stderr"
echo "ok --help"

run_plain dump x.loom -- -f hosts
assert_eq "$rc" 2 "dump with mpiexec options: exit status"
assert_eq "$(cat "$err")" "mpiloom: options for mpiexec (after --) go with a scenario only" "dump with mpiexec options"
echo "ok dump refuses mpiexec options"

run_plain nope
assert_eq "$rc" 2 "unknown scenario: exit status"
assert_eq "$(grep -c '' "$err")" 1 "unknown scenario: lines on stderr"
grep -q "unknown scenario 'nope'" "$err" || fail "unknown scenario: no message"
[ ! -s "$out" ] || fail "unknown scenario: stdout is not empty"
echo "ok unknown scenario, no mpiexec"

# one_line TEXT WHAT: stderr is TEXT and a newline, byte for byte (no NUL)
one_line() {
	assert_eq "$rc" 2 "$2: exit status"
	printf '%s\n' "$1" | cmp -s - "$err" || fail "$2: stderr is not exactly '$1'"
	[ ! -s "$out" ] || fail "$2: stdout is not empty"
}

# A flag given a value, a value missing: the option named, one line
# (--text=1 printed "mpiloom: -" and a NUL byte)
for a in --text=1 --step=on --help=1 --version=x; do
	run_plain "$a" gather
	one_line "mpiloom: ${a%%=*} takes no value" "$a"
done
run_plain run --text=1 -- /bin/true
one_line "mpiloom: --text takes no value" "run --text=1"
run_plain gather --count
one_line "mpiloom: --count needs a value" "--count without a value"
run_plain gather -n
one_line "mpiloom: -n needs a value" "-n without a value"
echo "ok flags with values, options without"

# Numbers: blanks and a sign on either side are refused alike, for every
# numeric option (strtol skipped " 5" and "+5" where "5 " was refused)
for v in ' 5' '5 ' '+5'; do
	for o in "--count 0 10000000" "--root 0 4095" "--reps 1 1000" "--delay 0 60000" "-n 1 4096"; do
		set -- $o
		run_plain "$1" "$v" --text compare
		one_line "mpiloom: $1 must be a whole number from $2 to $3, not '$v'" "$1 '$v'"
	done
	run_plain run -n "$v" -- /bin/true
	one_line "mpiloom: -n must be a whole number from 1 to 4096, not '$v'" "run -n '$v'"
	run_plain run --timeout "$v" -- /bin/true
	one_line "mpiloom: --timeout must be a whole number from 1 to 86400, not '$v'" "run --timeout '$v'"
done
for v in ' 5' '5 ' '+5' 0x10; do
	run_plain export --svg "$tmp/x.svg" --from "$v" "$tmp/none.loom"
	assert_eq "$rc" 2 "export --from '$v': exit status"
	assert_eq "$(sed -n 1p "$err")" "mpiloom: --from takes a time such as 12.5us, 3ms or 0.2s, not '$v'" "export --from '$v'"
done
echo "ok numbers with blanks or a sign refused"

# A recording that cannot be made stops mpiloom run before it starts; the
# sanitizer build's LeakSanitizer fails this if that path leaks the
# program's argument lists
run_plain run --record /nonexistent/dir/x.loom -- /bin/true
one_line "mpiloom: cannot record to /nonexistent/dir/x.loom: No such file or directory" "run --record unwritable"
echo "ok run --record unwritable"
