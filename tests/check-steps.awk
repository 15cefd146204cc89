# The logical layout in the text view (--steps): every event has a step;
# along a rank the steps rise with the sequence numbers; a message's
# receive (msg=S.Q on both ends) is at a later step than its send; a
# world collective of every rank (a barrier, an allreduce) is at one step.
# Prints what is wrong and exits 1.
function fail(what) { print FILENAME ":" FNR ": " what; bad = 1 }
/^ *-?[0-9]+\.[0-9]+ r[0-9]+ #[0-9]+ / {
	rank = substr($2, 2) + 0; seq = substr($3, 2) + 0; kind = $4
	if (!match($0, / step=[0-9]+/)) { fail("no step: " $0); next }
	step = substr($0, RSTART + 6, RLENGTH - 6) + 0
	stepof[rank "." seq] = step
	seqs[rank] = seqs[rank] " " seq
	if (match($0, / msg=[0-9]+\.[0-9]+/)) {
		id = substr($0, RSTART + 5, RLENGTH - 5)
		if (kind ~ /send/ && id == rank "." seq) sendstep[id] = step
		else recvstep[id] = recvstep[id] " " step
	}
	if ((kind == "barrier" || kind == "allreduce" || kind == "allgather" || kind == "alltoall") &&
	    $0 !~ / comm=/) {
		n = ++ncoll[rank kind]
		key = kind "." n
		if (key in collstep && collstep[key] != step)
			fail(kind " #" n " at steps " collstep[key] " and " step)
		collstep[key] = step
	}
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
	for (id in recvstep) {
		if (!(id in sendstep)) continue
		k = split(recvstep[id], v, " ")
		for (i = 1; i <= k; i++)
			if (v[i] + 0 <= sendstep[id] + 0)
				fail("message " id ": sent at step " sendstep[id] ", received at " v[i])
	}
	exit bad
}
