# The logical layout in the text view (--steps): every event has a step;
# along a rank the steps rise with the sequence numbers; a message's
# receive (msg=S.Q on both ends) is at a later step than its send; a
# collective of every member (a barrier, an allreduce) is at one step, on
# the world and on a communicator whose creation line names its first
# member (two communicators with one id have different first members);
# a probe that found a message is at a later step than that message's
# send (the message the rank's next receive matching its status takes,
# or for a matched probe the one its Mrecv received);
# a gather's or a reduction's root is not left of any member, and no
# member of a broadcast or scatter is left of its root, on any
# communicator (the k-th such call with that root on that communicator).
# Prints what is wrong and exits 1.
function fail(what) { print FILENAME ":" FNR ": " what; bad = 1 }
function field(name) { return match($0, " " name "=[-0-9]+") ? substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2) : "" }
/^ *-?[0-9]+\.[0-9]+ r[0-9]+ #[0-9]+ / {
	rank = substr($2, 2) + 0; seq = substr($3, 2) + 0; kind = $4
	if (!match($0, / step=[0-9]+/)) { fail("no step: " $0); next }
	step = substr($0, RSTART + 6, RLENGTH - 6) + 0
	stepof[rank "." seq] = step
	seqs[rank] = seqs[rank] " " seq
	comm = field("comm"); if (comm == "") comm = 0
	status = field("status.source") ":" field("status.tag") ":" comm
	if ((kind == "probe" || kind == "iprobe") && field("status.source") != "")
		probes[rank] = probes[rank] " " step "@" status
	if ((kind == "mprobe" || kind == "improbe") && match($0, / done=#[0-9]+/))
		mprobe_at[rank "." substr($0, RSTART + 7, RLENGTH - 7)] = step
	if (match($0, / msg=[0-9]+\.[0-9]+/)) {
		id = substr($0, RSTART + 5, RLENGTH - 5)
		if (kind ~ /send/ && id == rank "." seq) sendstep[id] = step
		else {
			recvstep[id] = recvstep[id] " " step
			taken(rank, id, status)
			msgof[rank "." seq] = id
		}
	}
	if (kind ~ /^(gatherv?|reduce|bcast|scatterv?)$/ && field("root") != "") {
		key = comm "." field("root") "." (++nrooted[rank "/" comm "/" field("root")])
		to_root = kind ~ /^(gather|reduce)/
		if (rank == field("root") + 0) rootat[key] = step
		else if (!(key in memberat) || (to_root ? step > memberat[key] : step < memberat[key]))
			memberat[key] = step
		tieto[key] = to_root
	}
	if (kind ~ /^(comm_split|comm_dup|cart_create)$/ && field("new") != "" && field("first") != "")
		group[rank "/" field("new")] = field("first")
	g = comm == 0 ? "world" : group[rank "/" comm]
	if (kind ~ /^(barrier|allreduce|allgatherv?|alltoallv?|reduce_scatter(_block)?)$/ && g != "") {
		n = ++ncoll[rank "/" kind "/" comm]
		key = kind "." comm "." g "." n
		if (key in collstep && collstep[key] != step)
			fail(kind " #" n " on communicator " comm " (first member " g ") at steps " collstep[key] " and " step)
		collstep[key] = step
	}
}
# The rank's probes that a receive of this status answers: the message
# they found is this one.
function taken(rank, id, status,    k, v, i, rest, at) {
	k = split(probes[rank], v, " ")
	rest = ""
	for (i = 1; i <= k; i++) {
		at = index(v[i], "@")
		if (substr(v[i], at + 1) == status) probed[id] = probed[id] " " substr(v[i], 1, at - 1)
		else rest = rest " " v[i]
	}
	probes[rank] = rest
}
# Each of the steps (a list) later than message id's send.
function after_send(id, steps, how,    k, v, i) {
	if (!(id in sendstep)) return
	k = split(steps, v, " ")
	for (i = 1; i <= k; i++)
		if (v[i] + 0 <= sendstep[id] + 0)
			fail("message " id ": sent at step " sendstep[id] ", " how " at " v[i])
}
END {
	for (r in seqs) {
		k = split(seqs[r], s, " ")
		# the text view is in time order: sort the rank's sequence numbers
		for (i = 2; i <= k; i++) for (j = i; j > 1 && s[j - 1] + 0 > s[j] + 0; j--) {
			t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
		}
		for (i = 2; i <= k; i++)
			if (stepof[r "." s[i]] <= stepof[r "." s[i - 1]])
				fail("rank " r ": #" s[i] " at step " stepof[r "." s[i]] ", #" s[i - 1] " at " stepof[r "." s[i - 1]])
	}
	for (id in recvstep)
		after_send(id, recvstep[id], "received")
	for (key in rootat) {
		if (!(key in memberat)) continue
		if (tieto[key] ? rootat[key] < memberat[key] : rootat[key] > memberat[key])
			fail("collective " key " (comm.root.k): root at step " rootat[key] ", a member at " memberat[key])
	}
	for (id in probed)
		after_send(id, probed[id], "probed")
	for (k in mprobe_at)
		if (k in msgof)
			after_send(msgof[k], mprobe_at[k], "taken by a matched probe")
	exit bad
}
