#!/bin/sh
# MPI_Probe's status, as traced, is what was sent: source, tag, count and
# elements in MPI_DOUBLE, bytes; the same on the receive and in the result.
# Then the status scenario: MPI_ANY_SOURCE receives tell who sent.
. "${top_srcdir:-/work/main}/tests/lib.sh"

# line_of KIND: sets $line to the single event line of KIND in $out.
line_of() {
	assert_eq "$(awk -v k="$1" '$4 == k { n++ } END { print n + 0 }' "$out")" 1 \
		"number of $1 lines"
	line=$(awk -v k="$1" '$4 == k' "$out")
}

# has LINE ERE WHAT
has() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || fail "$3 is not /$2/: $1"
}

t='^ *[0-9]+\.[0-9]{3}'
for n in 2 3; do
	for c in 3 0 1000 10000000; do
		b=$((8 * c))
		run_mpi "$n" probe --count "$c"
		assert_eq "$rc" 0 "exit status"
		check_text
		line_of probe
		has "$line" "$t r1 #1 probe source=ANY tag=ANY status\.source=0 status\.tag=1 status\.count=$c status\.elements=$c type=MPI_DOUBLE bytes=$b dur=" "the probe"
		line_of send
		has "$line" "$t r0 #1 send dest=1 tag=1 count=$c type=MPI_DOUBLE bytes=$b msg=0\.1 " "the send"
		line_of recv
		has "$line" "$t r1 #2 recv source=0 tag=1 count=$c status\.source=0 status\.tag=1 status\.count=$c status\.elements=$c type=MPI_DOUBLE bytes=$b msg=0\.1 " "the recv"
		assert_eq "$(result_text)" "source=0 tag=1 count=$c elements=$c" "result text"
		echo "ok probe $n --count $c"
	done
done

# status at 4 ranks: rank 1 receives from 0, 2, 3 (any order) with tag
# source+1; the result lists them in the order of the recv lines.
run_mpi 4 status
assert_eq "$rc" 0 "exit status"
check_text
awk '$4 == "recv" {
	n++
	if ($2 != "r1" || $0 !~ / source=ANY tag=ANY count=3 /) { print "bad recv: " $0; exit 1 }
	split("", f)
	for (i = 5; i <= NF; i++) if (split($i, kv, "=") == 2) f[kv[1]] = kv[2]
	s = f["status.source"]
	if (f["status.tag"] != s + 1 || f["status.count"] != 3 || f["status.elements"] != 3) {
		print "bad status: " $0; exit 1
	}
	if (s in seen) { print "source " s " twice"; exit 1 }
	seen[s] = 1
	order = order " " s
}
END {
	if (n != 3 || !(0 in seen) || !(2 in seen) || !(3 in seen)) {
		print n + 0 " recvs from" order ", not from 0, 2, 3"; exit 1
	}
	print "arrivals:" order
}' "$out" >"$tmp/arrivals" || fail "status: $(cat "$tmp/arrivals")"
arrivals=$(cat "$tmp/arrivals")
case $(result_text) in
"$arrivals; last source="*" count=3 data = "*) ;;
*) fail "result text does not start with '$arrivals; last source='" ;;
esac
for r in 0 2 3; do
	assert_match "^ *[0-9.]+ r$r #1 send dest=1 tag=$((r + 1)) count=3 type=MPI_DOUBLE bytes=24 msg=$r\.1 " "r$r did not send its 3 doubles with tag $((r + 1))"
done
echo "ok status 4: $arrivals"
