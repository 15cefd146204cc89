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
