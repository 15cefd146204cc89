#!/bin/sh
# Every scenario at 1 to 8 ranks, and with --count and --root: exit 0 and
# an output that holds every invariant of check-text.awk.
. "${top_srcdir:-/work/main}/tests/lib.sh"

# ok_run N SCENARIO ARGS...: one passing run on N ranks.
ok_run() {
	_n=$1
	_s=$2
	shift 2
	run_mpi "$_n" "$_s" "$@"
	assert_eq "$rc" 0 "exit status"
	[ ! -s "$err" ] || fail "stderr is not empty"
	check_text
	assert_match "^# result: $_s ranks=$_n check=passed ok=$_n/$_n " "no passing result line"
	echo "ok $_s $_n${*:+ $*}"
}

# First the checker itself: a real output, broken by hand, is rejected for
# the right reason (else every check_text below could be vacuous).
ok_run 4 tree-sum
cp "$out" "$tmp/good"
# rejects ERE AWK-PROGRAM: the good output edited by AWK-PROGRAM fails
# check-text.awk with a reason matching ERE.
rejects() {
	awk "$2" "$tmp/good" >"$tmp/bad"
	! awk -f "$CHECK_TEXT" "$tmp/bad" 2>"$tmp/why" || fail "check-text.awk accepts: $2"
	grep -Eq -- "$1" "$tmp/why" || fail "check-text.awk rejects '$2' but not for /$1/: $(cat "$tmp/why")"
}
# tree-sum on 4 ranks: r0 receives msg 1.1 (#1) then msg 2.2 (#2).
rejects 'r1 #2 is missing' '!($2 == "r1" && $3 == "#2")'
rejects 'r3 #0 appears more than once' '$2 == "r3" && $3 == "#0" { print } 1'
rejects 'msg=1\.1 is on more than one recv' '$2 == "r0" && $3 == "#2" { sub(/msg=[0-9.]+/, "msg=1.1") } 1'
rejects 'msg=1\.1 is on more than one send' '$2 == "r2" && $4 == "send" { sub(/msg=[0-9.]+/, "msg=1.1") } 1'
rejects 'msg=1\.1: the recv .* before its send begins' \
	'$2 == "r0" && $3 == "#1" { $1 = sprintf("%12.3f", 0); sub(/dur=[0-9.]+/, "dur=0.000") } 1'
rejects 'is unmatched' '{ sub(/msg=2\.2/, "msg=unmatched") } 1'
rejects '(before|ties with) the line above' 'NR == 2 { l = $0; next } NR == 3 { print; print l; next } 1'
rejects 'lost=1' '/^# result/ { sub(/lost=0/, "lost=1") } 1'
rejects 'unmatched=1' '/^# result/ { sub(/unmatched=0/, "unmatched=1") } 1'
rejects 'messages=4, but 3 msg ids' '/^# result/ { sub(/messages=3/, "messages=4") } 1'
rejects 'events=.*event lines' '/^# result/ { sub(/events=/, "events=1") } 1'
rejects 'rank 4 has no events' '/^# result/ { sub(/ranks=4 /, "ranks=5 ") } 1'
rejects 'check=failed' '/^# result/ { sub(/check=passed/, "check=failed") } 1'
rejects '0 result lines' '!/^# result/'
rejects 'r2: 0 finalize' '!($2 == "r2" && $4 == "finalize")'
echo "ok check-text.awk rejects 15 broken outputs"

for s in object buffer probe status bcast gather scatter tree-sum linear-sum reduce; do
	case $s in
	object | buffer | probe | status) min=2 ;;
	*) min=1 ;;
	esac
	for n in 1 2 3 4 5 8; do
		[ "$n" -lt "$min" ] || ok_run "$n" "$s"
	done
done

for s in buffer probe; do
	for c in 0 100000; do
		for n in 2 3; do
			ok_run "$n" "$s" --count "$c"
			# rank 1 (the receiver) reports; its recv holds them all
			assert_match "^ *[0-9.]+ r1 #[0-9]+ recv .* status\.count=$c status\.elements=$c type=MPI_DOUBLE bytes=$((8 * c)) " \
				"no recv of $c doubles on r1"
		done
	done
done

for s in tree-sum linear-sum reduce; do
	for n in 3 5; do
		ok_run "$n" "$s" --count 1000
		assert_match '\| sum = \[[0-9, .]+\], expected element j = ' "no 1000-element sum"
		grep -q 'count=1000 ' "$out" || fail "no call with count=1000"
	done
done

# With --root 2 the collectives name root=2 and rank 2 is their root; the
# sums end on rank 2, which reports.
for s in bcast gather scatter tree-sum linear-sum reduce; do
	for n in 3 5; do
		ok_run "$n" "$s" --root 2
		awk '$4 ~ /^(bcast|gather|scatter|reduce)$/ {
			if ($0 !~ / root=2 /) bad = bad " " $2 $3 "(not root=2)"
			if (($2 == "r2") != ($0 ~ / is-root /)) bad = bad " " $2 $3 "(is-root)"
		}
		$4 == "send" && $2 == "r2" { bad = bad " r2" $3 "(the root sends)" }
		END { if (bad != "") { print bad; exit 1 } }' "$out" >"$tmp/bad" ||
			fail "root 2:$(cat "$tmp/bad")"
		case $s in
		tree-sum | linear-sum | reduce)
			assert_match "\\| sum = $((n * (n + 1) / 2)), " "root 2 has not the sum"
			;;
		esac
	done
done

# --delay 200: every rank pauses 200 ms before each call of the example
# (not before init, result or finalize): its gather begins at least 200 ms
# after its init, its result right after the gather.
ok_run 3 gather --delay 200
awk '{ d = $0; sub(/.* dur=/, "", d); t[$2, $4] = $1; e[$2, $4] = $1 + d }
END {
	for (r = 0; r < 3; r++) {
		k = "r" r
		if (t[k, "gather"] - e[k, "init"] < 200000) { print k ": gather " t[k, "gather"] " after init " e[k, "init"]; exit 1 }
		if (t[k, "result"] - e[k, "gather"] > 100000) { print k ": result " t[k, "result"] " delayed after gather " e[k, "gather"]; exit 1 }
	}
}' "$out" >"$tmp/delay" || fail "--delay 200: $(cat "$tmp/delay")"
