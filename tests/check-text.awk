# check-text.awk: the invariants every `mpiloom --text` output must hold.
#   awk -f check-text.awk OUTPUT
# Exits 1 with one line per problem on stderr unless:
#  (a) exactly one "# result:" line, the last, with check=passed, lost=0,
#      unmatched=0 (and ok=N/N for N = ranks=);
#  (b) every rank 0..ranks-1 appears, its seqs are exactly 0..n-1 (none lost
#      or repeated) and appear in that order, #0 is its init and its last
#      event its finalize;
#  (c) lines are in nondecreasing time order, ties by rank then seq;
#  (d) every msg id is on exactly one send-kind line and one recv-kind line
#      (a receive, or the Wait/Test completing a non-blocking one), the
#      send's own "rank.seq", and no line says msg=unmatched; the pair agrees
#      (dest, status.source, status.tag, bytes);
#  (e) a receive ends (begin + dur) no earlier than its send begins (with
#      -v slack=US: no more than US microseconds earlier);
#  (f) messages= is the number of distinct msg ids;
#  (g) events= is the number of event lines.

function problem(msg) {
	nproblems++
	if (nproblems <= 20)
		print "check-text: " msg | "cat 1>&2"
}

# Fills f[] with the key=value fields of the current line from field i on,
# up to data= (a preview may hold spaces) or, on the result line, "|".
function fields(i,    p) {
	split("", f)
	for (; i <= NF; i++) {
		if ($i ~ /^data=/ || $i == "|")
			break
		p = index($i, "=")
		if (p > 1)
			f[substr($i, 1, p - 1)] = substr($i, p + 1)
	}
}

BEGIN {
	split("init finalize send ssend bsend rsend recv probe iprobe barrier bcast " \
	      "gather scatter reduce allreduce pack unpack compute result abort " \
	      "sendrecv-send sendrecv-recv isend issend irecv wait waitall waitany waitsome " \
	      "test testall testany testsome gatherv scatterv allgather allgatherv alltoall " \
	      "alltoallv comm_split comm_dup cart_create comm_free ibsend irsend exit " \
	      "reduce_scatter reduce_scatter_block scan exscan ibarrier ibcast ireduce " \
	      "iallreduce igather igatherv iscatter iscatterv iallgather iallgatherv " \
	      "ialltoall ialltoallv ireduce_scatter ireduce_scatter_block iscan iexscan " \
	      "neighbor_allgather neighbor_allgatherv neighbor_alltoall neighbor_alltoallv " \
	      "neighbor_alltoallw ineighbor_allgather ineighbor_allgatherv ineighbor_alltoall " \
	      "ineighbor_alltoallv ineighbor_alltoallw mprobe improbe mrecv imrecv", names)
	for (i in names)
		known[names[i]] = 1
	split("send ssend bsend rsend isend issend ibsend irsend sendrecv-send", names)
	for (i in names)
		sendkind[names[i]] = 1
	split("recv sendrecv-recv wait waitall waitany waitsome test testall testany testsome " \
	      "mrecv", names)
	for (i in names)
		recvkind[names[i]] = 1
}

/^# result: / {
	nresults++
	result_line = NR
	fields(4)
	for (k in f)
		res[k] = f[k]
	next
}

# lecture mode's presses (--step), after the events
/^# press(es)?[: ]/ {
	if (nresults > 0)
		problem("line " NR " comes after the result line")
	next
}

{
	if ($0 !~ /^ *-?[0-9]+\.[0-9][0-9][0-9] r[0-9]+ #[0-9]+ [a-z_-]+( |$)/) {
		problem("line " NR " is not an event line: " $0)
		next
	}
	if (nresults > 0)
		problem("line " NR " comes after the result line")
	events++
	t = $1 + 0
	rank = substr($2, 2) + 0
	seq = substr($3, 2) + 0
	kind = $4
	fields(5)
	if (!(kind in known))
		problem("line " NR ": unknown kind '" kind "'")
	if (f["dur"] !~ /^[0-9]+\.[0-9][0-9][0-9]$/)
		problem("line " NR ": dur='" f["dur"] "'")

	# (c) time order; ties by rank, then seq
	if (events > 1 && t < last_t)
		problem("line " NR " (r" rank " #" seq ") begins at " $1 ", before the line above (" last_ts ")")
	else if (events > 1 && t == last_t && (rank < last_r || (rank == last_r && seq < last_seq)))
		problem("line " NR " (r" rank " #" seq ") ties with the line above (r" last_r " #" last_seq ") but comes after it")
	last_t = t
	last_ts = $1
	last_r = rank
	last_seq = seq

	# (b) sequence numbers
	nseq[rank]++
	if (++seen[rank, seq] == 2)
		problem("r" rank " #" seq " appears more than once")
	if (!(rank in maxseq) || seq > maxseq[rank])
		maxseq[rank] = seq
	if ((rank in lastseq) && seq < lastseq[rank])
		problem("r" rank " #" seq " (line " NR ") comes after #" lastseq[rank])
	lastseq[rank] = seq
	lastkind[rank] = kind
	if (seq == 0)
		firstkind[rank] = kind
	if (kind == "init")
		ninit[rank]++
	if (kind == "finalize")
		nfinal[rank]++

	# (d), (e) messages
	if (!("msg" in f))
		next
	id = f["msg"]
	if (id == "unmatched") {
		problem("line " NR " (r" rank " #" seq " " kind ") is unmatched")
		next
	}
	ids[id] = 1
	if (kind in sendkind) {
		if (++nsend[id] == 2)
			problem("msg=" id " is on more than one send")
		if (id != rank "." seq)
			problem("r" rank " #" seq " sends msg=" id ", not msg=" rank "." seq)
		s_begin[id] = t
		s_rank[id] = rank
		s_dest[id] = f["dest"]
		s_tag[id] = f["tag"]
		s_bytes[id] = f["bytes"]
	} else if (kind in recvkind) {
		if (++nrecv[id] == 2)
			problem("msg=" id " is on more than one recv")
		r_end[id] = t + f["dur"]
		r_line[id] = NR
		r_rank[id] = rank
		r_source[id] = f["status.source"]
		r_tag[id] = f["status.tag"]
		r_bytes[id] = f["bytes"]
	} else {
		problem("line " NR ": a " kind " line with msg=" id)
	}
}

END {
	# (a)
	if (nresults != 1)
		problem(nresults + 0 " result lines, not 1")
	if (nresults > 0 && result_line != NR)
		problem("the result line is line " result_line ", not the last (" NR ")")
	if (nresults > 0) {
		if (res["check"] != "passed")
			problem("check=" res["check"])
		if (res["lost"] != "0")
			problem("lost=" res["lost"])
		if (res["unmatched"] != "0")
			problem("unmatched=" res["unmatched"])
		if (res["ranks"] !~ /^[0-9]+$/ || res["ranks"] + 0 < 1)
			problem("bad ranks=" res["ranks"])
		else if (res["ok"] != res["ranks"] "/" res["ranks"])
			problem("ok=" res["ok"] " with ranks=" res["ranks"])
	}
	ranks = res["ranks"] + 0

	# (b)
	for (r = 0; r < ranks; r++)
		if (!(r in nseq))
			problem("rank " r " has no events")
	for (r in nseq) {
		if (nresults > 0 && r + 0 >= ranks)
			problem("rank " r " is not below ranks=" ranks)
		for (s = 0; s <= maxseq[r]; s++)
			if (!((r, s) in seen))
				problem("r" r " #" s " is missing (r" r " goes up to #" maxseq[r] ")")
		if (ninit[r] != 1 || firstkind[r] != "init")
			problem("r" r ": " ninit[r] + 0 " init events, #0 is '" firstkind[r] "'")
		if (nfinal[r] != 1 || lastkind[r] != "finalize")
			problem("r" r ": " nfinal[r] + 0 " finalize events, the last is '" lastkind[r] "'")
	}

	# (d), (e), (f)
	n = 0
	for (id in ids) {
		n++
		if (nsend[id] + 0 == 0)
			problem("msg=" id " has no send line")
		if (nrecv[id] + 0 == 0)
			problem("msg=" id " has no recv line")
		if (nsend[id] != 1 || nrecv[id] != 1)
			continue
		if (s_dest[id] != r_rank[id] "")
			problem("msg=" id ": sent to " s_dest[id] ", received by r" r_rank[id])
		if (r_source[id] != s_rank[id] "")
			problem("msg=" id ": sent by r" s_rank[id] ", status.source=" r_source[id])
		if (r_tag[id] != s_tag[id])
			problem("msg=" id ": sent with tag " s_tag[id] ", status.tag=" r_tag[id])
		if (r_bytes[id] != s_bytes[id])
			problem("msg=" id ": " s_bytes[id] " bytes sent, " r_bytes[id] " received")
		# Printed times are rounded to 1 ns each: allow that much, and
		# slack us more where clock offsets were estimated (-v slack=US).
		if (r_end[id] + 0.0015 + slack < s_begin[id])
			problem(sprintf("msg=%s: the recv (line %d) ends at %.3f, before its send begins at %.3f", \
				id, r_line[id], r_end[id], s_begin[id]))
	}
	if (nresults > 0 && res["messages"] != n "")
		problem("messages=" res["messages"] ", but " n " msg ids")

	# (g)
	if (nresults > 0 && res["events"] != events "")
		problem("events=" res["events"] ", but " events + 0 " event lines")

	if (nproblems > 20)
		print "check-text: ... and " nproblems - 20 " more" | "cat 1>&2"
	close("cat 1>&2")
	exit (nproblems > 0)
}
