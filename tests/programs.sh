#!/bin/sh
# Ordinary MPI programs (tests/programs/, built with mpicc, not linked with
# mpiloom) traced by `mpiloom run --text` at 2 to 5 ranks: every message
# matched, every non-blocking posting linked to the Wait/Test that
# completed it and back, message counts as the program's logic makes them,
# and ranks of split, duplicated and Cartesian communicators as world ranks.
. "${top_srcdir:-/work/main}/tests/lib.sh"

programs=$top_builddir/tests/programs

# trace N PROGRAM ARGS...: $out holds the event and result lines, $tmp/prog
# the program's own output. PROGRAM is in tests/programs unless a path.
trace() {
	_n=$1
	_p=$2
	shift 2
	case $_p in
	*/*) ;;
	*) _p=$programs/$_p ;;
	esac
	run_plain run -n "$_n" --text -- "$_p" "$@"
	assert_eq "$rc" 0 "exit status of $_p at $_n ranks"
	grep '^\[std' "$out" >"$tmp/prog"
	grep -v '^\[std' "$out" >"$tmp/events"
	mv "$tmp/events" "$out"
	check_text
}

# count_kind KIND...: event lines of these kinds.
count_kind() {
	awk -v k=" $* " 'index(k, " " $4 " ") { n++ } END { print n + 0 }' "$out"
}

messages() {
	sed -n 's/^# result: .* messages=\([0-9]*\) .*/\1/p' "$out"
}

# Every posting names the event that completed it (done=#S) and that event
# names the posting (req=#P), on the same rank; a completion with req=-
# completed nothing.
check_requests() {
	awk '
	function val(key,    i) {
		for (i = 5; i <= NF; i++)
			if (index($i, key "=") == 1)
				return substr($i, length(key) + 2)
		return ""
	}
	/^#/ { next }
	{ id = $2 " " $3; kind[id] = $4 }
	val("done") != "" { done[id] = val("done"); postings++ }
	val("req") != "" { req[id] = val("req") }
	END {
		for (id in done) {
			split(id, a, " ")
			c = a[1] " " done[id]
			if (done[id] == "-" || !(c in req) || req[c] != a[2]) {
				print "posting " id " (" kind[id] ") done=" done[id] ", completion says req=" req[c]
				bad++
			}
		}
		for (id in req) {
			if (req[id] == "-")
				continue
			split(id, a, " ")
			p = a[1] " " req[id]
			if (!(p in done) || done[p] != a[2]) {
				print "completion " id " req=" req[id] ", posting says done=" done[p]
				bad++
			}
			completed++
		}
		if (completed != postings) {
			print postings + 0 " postings, " completed + 0 " completions"
			bad++
		}
		exit bad > 0
	}' "$out" >"$tmp/req" || fail "request links: $(head -n 5 "$tmp/req")"
}

for n in 2 3 4 5; do
	# halo: 2 Isends a rank a step, then a Sendrecv each round the ring and
	# one along it
	steps=3
	trace "$n" halo "$steps"
	check_requests
	# (and two persistent exchanges: a started send and receive each)
	assert_eq "$(count_kind isend)" $((2 * n * steps + 2 * n)) "halo isends at $n ranks"
	assert_eq "$(count_kind irecv)" $((2 * n * steps + 4 * n)) "halo irecvs at $n ranks"
	# (and an Ibsend and an Irsend a rank)
	assert_eq "$(count_kind ibsend irsend)" $((2 * n)) "halo ibsends and irsends at $n ranks"
	assert_eq "$(messages)" $((2 * n * steps + n + n - 1 + 2 * n + 2 * n)) "halo messages at $n ranks"
	# the open ends: a send to and a receive from MPI_PROC_NULL, no message
	assert_eq "$(awk '$4 == "sendrecv-send" && / dest=- / && !/ msg=/' "$out" | wc -l)" 1 \
		"halo's sends to MPI_PROC_NULL"
	assert_eq "$(awk '$4 == "sendrecv-recv" && / source=- / && / status.source=- / && !/ msg=/' \
		"$out" | wc -l)" 1 "halo's receives from MPI_PROC_NULL"
	assert_eq "$(count_kind waitall)" $((4 * n * steps + 8 * n)) "halo waitall events at $n ranks"
	grep -q "^\[stdout\] halo: $n ranks, $steps steps" "$tmp/prog" || fail "halo's output"
	echo "ok halo $n"

	# master-worker: a task and a result each, and a stop to each worker
	tasks=9
	trace "$n" master-worker "$tasks"
	check_requests
	assert_eq "$(messages)" $((2 * tasks + n - 1)) "master-worker messages at $n ranks"
	grep -q "^\[stdout\] master-worker: sum of squares 1..$tasks = 285 (right)" "$tmp/prog" ||
		fail "master-worker's output"
	# results come from workers, whatever ANY_SOURCE was asked
	awk '$2 == "r0" && ($4 == "recv" || $4 ~ /^wait|^test/) && /source=ANY/ &&
	     !/status.source=[1-9]/ { exit 1 }' "$out" || fail "an ANY_SOURCE receive without a worker's status"
	echo "ok master-worker $n"

	trace "$n" split
	check_requests
	# token ring (a half of h>1 ranks: h messages), Sendrecv (one a
	# rank), Cartesian shift (one a rank)
	even=$(((n + 1) / 2))
	odd=$((n / 2))
	ring=0
	[ "$even" -lt 2 ] || ring=$((ring + even))
	[ "$odd" -lt 2 ] || ring=$((ring + odd))
	assert_eq "$(messages)" $((ring + 2 * n)) "split messages at $n ranks"
	assert_eq "$(awk '$4 == "ibarrier" && / done=#[0-9]+ /' "$out" | wc -l)" "$n" \
		"split's MPI_Ibarrier, each completed by its Wait"
	awk -v n="$n" -f - "$out" >"$tmp/split" <<'AWK' || fail "split: $(head -n 5 "$tmp/split")"
# The halves hold the ranks of one parity, ordered by descending world
# rank (the split's key): a half's rank h is world rank top - 2h.
function top(r) { return (n - 1) % 2 == r % 2 ? n - 1 : n - 2 }
function size(r) { return int((top(r) - r % 2) / 2) + 1 }
function world(r, h) { return top(r) - 2 * h }
function half(r) { return (top(r) - r) / 2 }
function val(key,    i) {
	for (i = 5; i <= NF; i++)
		if (index($i, key "=") == 1)
			return substr($i, length(key) + 2)
	return ""
}
function want(what, got, expected) {
	if (got != expected "") {
		print $2 " " $3 " " $4 ": " what "=" got ", not " expected
		bad++
	}
}
/^#/ { next }
{ r = substr($2, 2) + 0; right = world(r, (half(r) + 1) % size(r)) }
$4 == "comm_split" { want("size", val("size"), size(r)); want("first", val("first"), top(r)); split_id[r % 2, val("new")] = 1 }
$4 == "comm_dup" || $4 == "cart_create" { ids[$4, val("new")] = 1; want("size", val("size"), n); want("first", val("first"), 0) }
($4 == "send" || $4 == "sendrecv-send") && val("tag") != 9 { want("dest", val("dest"), right) }
$4 == "sendrecv-send" && val("tag") == 9 { want("dest", val("dest"), (r + 1) % n) }
$4 == "sendrecv-recv" && val("tag") == 9 { want("status.source", val("status.source"), (r + n - 1) % n) }
$4 == "gatherv" || $4 == "scatterv" { want("root", val("root"), top(r)) }
$4 == "allgather" { want("count", val("count"), size(r)) }
# the communicator of MPI_Comm_create, not traced: WORLD reversed
$4 == "bcast" { want("root", val("root"), n - 1); bcast_id[val("comm")] = 1 }
END {
	for (k in split_id) nsplit++
	for (k in ids) nids++
	# one id per half (the halves may share it: they have no member in common)
	if (nsplit != (n > 1 ? 2 : 1)) { print nsplit " split ids"; bad++ }
	if (nids != 2) { print nids " dup/cart ids"; bad++ }
	for (k in bcast_id) { nb++; if (k + 0 < 32768) { print "bcast on comm=" k; bad++ } }
	if (nb != 1) { print nb " ids for the created communicator"; bad++ }
	exit bad > 0
}
AWK
	echo "ok split $n"
done

# A recording keeps what links a completion to its posting: its dump is
# the text view of the same run, req= and done= included.
run_plain run -n 3 --text --record "$tmp/halo.loom" -- "$programs/halo" 2
assert_eq "$rc" 0 "exit status of the recorded halo"
grep -v '^\[std' "$out" >"$tmp/halo.text"
run_plain dump "$tmp/halo.loom"
assert_eq "$rc" 0 "exit status of dump"
grep -v '^\[std' "$out" >"$tmp/halo.dump"
cmp -s "$tmp/halo.text" "$tmp/halo.dump" ||
	fail "dump differs from the run's text: $(diff "$tmp/halo.text" "$tmp/halo.dump" | head -n 4)"
grep -q ' req=#' "$tmp/halo.dump" || fail "no req= in the dump"
echo "ok halo recorded"

# Fortran: MPICH's bindings call the C MPI_ functions, so the wrappers see
# a program built with mpif90 as they see a C one.
fc=$(command -v mpif90.mpich || command -v mpifort.mpich || true)
if [ -z "$fc" ] || ! command -v gfortran >/dev/null 2>&1; then
	echo "skipped Fortran: no mpif90.mpich or no gfortran"
	exit 0
fi
"$fc" -o "$tmp/comm-f90" "$top_srcdir/tests/programs/comm.f90" >"$tmp/fc" 2>&1 ||
	fail "mpif90 could not build comm.f90: $(head -n 3 "$tmp/fc")"
for n in 2 3; do
	trace "$n" "$tmp/comm-f90"
	check_requests
	assert_eq "$(messages)" "$n" "Fortran comm messages at $n ranks"
	assert_eq "$(count_kind comm_split)" "$n" "Fortran comm_split events at $n ranks"
	assert_eq "$(count_kind allreduce)" "$n" "Fortran allreduce events at $n ranks"
	echo "ok Fortran comm $n"
done
