#!/bin/sh
# The layer rules of src/ (README, "Layout of the source"), checked on the
# includes each file reaches, directly or through the project's headers:
#   - only src/trace, src/scenarios and the scenario runner see mpi.h;
#   - only src/tui/ui.c sees curses;
#   - src/core, src/view and src/export see no src/trace header;
#   - src/core sees nothing outside itself; src/log only core and log;
#     src/view only core, log and view; src/tui nothing of cmd.
# A violation prints the file, the rule and the include chain's end.
set -u
src="${top_srcdir:-$(dirname "$0")/..}/src"
[ -d "$src/core" ] || { echo "layers: no $src/core" >&2; exit 1; }

cd "$src" || exit 1
find . -name '*.[ch]' | sed 's|^\./||' | sort | LC_ALL=C awk '
function reach(f,    g, n, i, list, k, pair) {
	if (f in done)
		return
	done[f] = 1
	n = split(inc[f], list, " ")
	for (i = 1; i <= n; i++) {
		g = list[i]
		seen[f, g] = f
		if (g ~ /^</)
			continue
		reach(g)
		for (k in seen) {
			split(k, pair, SUBSEP)
			if (pair[1] == g && !((f, pair[2]) in seen))
				seen[f, pair[2]] = g
		}
	}
}
function dir(f) { sub(/\/.*/, "", f); return f }
function bad(f, what) { printf "layers: %s %s\n", f, what; fails++ }
{
	files[++nf] = $0
	while ((getline line < $0) > 0) {
		if (line ~ /^#include "/) {
			h = line; sub(/^#include "/, "", h); sub(/".*/, "", h)
			if (h != "config.h")
				inc[$0] = inc[$0] " " h
		} else if (line ~ /^#include <(mpi|n?curses|ncursesw\/[a-z]*|term)\.h>/) {
			h = line; sub(/^#include /, "", h); sub(/>.*/, ">", h)
			inc[$0] = inc[$0] " " h
		}
	}
	close($0)
}
END {
	for (i = 1; i <= nf; i++)
		reach(files[i])
	for (k in seen) {
		split(k, pair, SUBSEP)
		f = pair[1]; g = pair[2]; d = dir(f)
		if (g == "<mpi.h>" && d != "trace" && d != "scenarios" &&
		    f !~ /^cmd\/scenario-run\.c$/)
			bad(f, "reaches mpi.h (via " seen[k] ")")
		if (g ~ /curses|term\.h/ && f != "tui/ui.c")
			bad(f, "reaches curses (via " seen[k] ")")
		if (g ~ /^</)
			continue
		gd = dir(g)
		if ((d == "core" || d == "view" || d == "export") && gd == "trace")
			bad(f, "includes " g)
		if (d == "core" && gd != "core")
			bad(f, "(core) includes " g)
		if (d == "log" && gd != "core" && gd != "log")
			bad(f, "(log) includes " g)
		if (d == "view" && gd != "core" && gd != "log" && gd != "view")
			bad(f, "(view) includes " g)
		if (d == "tui" && gd == "cmd")
			bad(f, "(tui) includes " g)
	}
	printf "layers: %d files checked, %d violations\n", nf, fails + 0
	exit fails > 0
}'
