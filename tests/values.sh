#!/bin/sh
# The scenarios compute the right values, and the trace shows them: data
# previews, result texts, the tree's messages level by level.
. "${top_srcdir:-/work/main}/tests/lib.sh"

# run_ok N ARGS...: a passing run (exit 0, every invariant).
run_ok() {
	run_mpi "$@"
	assert_eq "$rc" 0 "exit status"
	check_text
}

# squares N: "[1, 4, 9, ...]", the first N squares as a preview or a result
# shows them: at most 8, then ", ...]".
squares() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n && i <= 8; i++) s = s (i > 1 ? ", " : "") i * i
		print "[" s (n > 8 ? ", ...]" : "]")
	}'
}

# data_of RANK KIND: the data= preview of RANK's single KIND line.
data_of() {
	awk -v r="r$1" -v k="$2" '$2 == r && $4 == k {
		n++; d = $0; sub(/.* data=/, "", d); if (d == $0) d = "(none)"
	}
	END { print n == 1 ? d : n + 0 " lines" }' "$out"
}

# sends: "SRC->DEST Llevel" of every send, sorted, on one line.
sends() {
	awk '$4 == "send" {
		d = $0; sub(/.* dest=/, "", d); sub(/ .*/, "", d)
		l = $0; if (!sub(/.* level=/, "", l)) l = "-"; sub(/ .*/, "", l)
		print substr($2, 2) "->" d " L" l
	}' "$out" | sort | tr '\n' ' ' | sed 's/ $//'
}

# kinds RANK: the kinds of RANK's events in order, on one line.
kinds() {
	awk -v r="r$1" '$2 == r { printf "%s%s", sep, $4; sep = " " } END { print "" }' "$out"
}

# others_hold_squares N KIND: every rank but 0 shows (rank+1)^2 in its
# KIND line's preview (what it sent to a gather, what a scatter gave it).
others_hold_squares() {
	_r=1
	while [ "$_r" -lt "$1" ]; do
		assert_eq "$(data_of "$_r" "$2")" "[$(((_r + 1) * (_r + 1)))]" "$2 $1: r$_r's preview"
		_r=$((_r + 1))
	done
}

# 10 ranks: the preview and the result list only the first 8.
for n in 1 2 3 4 5 8 10; do
	run_ok "$n" gather
	sq=$(squares "$n")
	assert_eq "$(data_of 0 gather)" "$sq" "gather $n: the root's preview"
	assert_eq "$(result_text)" "data = $sq" "gather $n: result"
	others_hold_squares "$n" gather
	echo "ok gather $n: $sq"

	run_ok "$n" scatter
	assert_eq "$(data_of 0 scatter)" "$sq" "scatter $n: the root's preview"
	assert_eq "$(result_text)" "got 1" "scatter $n: result"
	others_hold_squares "$n" scatter
	echo "ok scatter $n"
done

# tree-sum: the sum, and every rank but the root sends once, along a chain
# of sends that ends at the root.
# chain ROOT N: fails unless the sends form a tree rooted at ROOT.
chain() {
	awk -v root="$1" -v n="$2" '$4 == "send" {
		s = substr($2, 2); d = $0; sub(/.* dest=/, "", d); sub(/ .*/, "", d)
		if (s in to) { print "r" s " sends twice"; exit 1 }
		to[s] = d
	}
	END {
		for (r = 0; r < n; r++) {
			if (r == root) { if (r in to) { print "the root sends"; exit 1 } continue }
			if (!(r in to)) { print "r" r " sends nothing"; exit 1 }
			x = r
			for (k = 0; x in to && k < n; k++) x = to[x]
			if (x != root) { print "r" r "'\''s chain ends at " x; exit 1 }
		}
	}' "$out" >"$tmp/chain" || fail "tree-sum $2 root $1: $(cat "$tmp/chain")"
}

p=1
while [ "$p" -le 8 ]; do
	run_ok "$p" tree-sum
	s=$((p * (p + 1) / 2))
	assert_eq "$(result_text)" "sum = $s, expected p(p+1)/2 = $s" "tree-sum $p: result"
	chain 0 "$p"
	case $p in
	5) assert_eq "$(sends)" "1->0 L0 2->0 L1 3->2 L0 4->0 L2" "tree-sum 5: sends" ;;
	7) assert_eq "$(sends)" "1->0 L0 2->0 L1 3->2 L0 4->0 L2 5->4 L0 6->4 L1" "tree-sum 7: sends" ;;
	8) assert_eq "$(sends)" "1->0 L0 2->0 L1 3->2 L0 4->0 L2 5->4 L0 6->4 L1 7->6 L0" "tree-sum 8: sends" ;;
	esac
	echo "ok tree-sum $p: sum = $s"
	p=$((p + 1))
done

run_ok 5 tree-sum --root 2
chain 2 5
assert_eq "$(sends)" "0->4 L0 1->2 L2 3->2 L0 4->2 L1" "tree-sum 5 --root 2: sends"
last=$(awk '$4 == "send" { l = $0 } END { sub(/.* dest=/, "", l); sub(/ .*/, "", l); print l }' "$out")
assert_eq "$last" 2 "tree-sum 5 --root 2: the last send's dest"
assert_eq "$(result_text)" "sum = 15, expected p(p+1)/2 = 15" "tree-sum 5 --root 2: result"
echo "ok tree-sum 5 --root 2"

run_ok 5 linear-sum
got=$(awk '$2 == "r0" && $4 == "recv" {
	s = $0; sub(/.* status\.source=/, "", s); sub(/ .*/, "", s)
	printf "%s%s/%s", sep, $5, s; sep = " "
} END { print "" }' "$out")
assert_eq "$got" "source=1/1 source=2/2 source=3/3 source=4/4" "linear-sum 5: the root's recvs"
assert_eq "$(result_text)" "sum = 15, expected p(p+1)/2 = 15" "linear-sum 5: result"
echo "ok linear-sum 5"

run_ok 4 reduce --count 3
assert_eq "$(result_text)" "sum = [10, 20, 30], expected element j = 10*(j+1)" "reduce 4: result"
assert_eq "$(data_of 3 reduce)" "[4, 8, 12]" "reduce 4: r3's preview"
echo "ok reduce 4 --count 3"

run_ok 4 bcast
for r in 0 1 2 3; do
	case $(data_of "$r" result) in
	*key1*) ;;
	*) fail "bcast 4: r$r's result line has no key1" ;;
	esac
done
assert_eq "$(result_text)" "{'key1': [7, 2.72, (2+3j)], 'key2': ('abc', 'xyz')}" "bcast 4: result"
echo "ok bcast 4"

# object: rank 0 packs 8 fields and sends the bytes as MPI_PACKED; rank 1
# probes, receives and unpacks the same 8 fields, as many bytes as packed.
run_ok 2 object
p8="pack pack pack pack pack pack pack pack"
u8="unpack unpack unpack unpack unpack unpack unpack unpack"
assert_eq "$(kinds 0)" "init $p8 send result finalize" "object: r0's calls"
assert_eq "$(kinds 1)" "init probe recv $u8 result finalize" "object: r1's calls"
packed=$(awk '$2 == "r0" && $4 == "pack" { s = $0; sub(/.* packed=/, "", s); t += s } END { print t + 0 }' "$out")
assert_match "^ *[0-9.]+ r0 #9 send dest=1 tag=0 count=$packed type=MPI_PACKED bytes=$packed msg=0\.9 " "object: no send of the $packed packed bytes"
assert_match "^ *[0-9.]+ r1 #1 probe source=0 tag=0 status\.source=0 status\.tag=0 status\.count=$packed status\.elements=$packed type=MPI_PACKED " "object: no probe of $packed bytes"
assert_match "^ *[0-9.]+ r1 #2 recv source=0 tag=0 count=$packed status\.source=0 .* type=MPI_PACKED bytes=$packed msg=0\.9 " "object: no recv of $packed bytes"
case $(result_text) in
*"packed $packed B"*) ;;
*) fail "object: the result does not say 'packed $packed B'" ;;
esac
echo "ok object 2: packed $packed B"
