#!/bin/sh
# tests/mpich-suite-get.sh [DIR]: fetch the test suite (test/mpi) of the
# installed MPICH's own release and build the folders tests/mpich-suite.list
# names, in DIR (default: mpich-suite in the current directory, the build
# tree, where `make check` finds it for tests/mpich-suite.sh).
# The source comes from Debian's source package (needs a deb-src line in
# apt's sources; .ci/run adds one) or, with MPICH_TARBALL=FILE, from a
# release tarball mpich-VERSION.tar.gz downloaded by hand.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-mpich-suite}
mpicc=${MPICC:-mpicc.mpich}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The installed MPICH's version, as its mpi.h says.
version=$(echo '#include <mpi.h>
MPICH_VERSION' | "$mpicc" -E -P - | tr -d '" ' | tail -1)
case $version in
[0-9]*.[0-9]*) ;;
*) echo "mpich-suite-get: $mpicc names no MPICH version (got '$version')" >&2; exit 1 ;;
esac
echo "mpich-suite-get: MPICH $version"

src=$dir/mpich-$version
if [ ! -d "$src/test/mpi" ]; then
	tarball=${MPICH_TARBALL:-}
	if [ -z "$tarball" ]; then
		(cd "$dir" && apt-get source --download-only "mpich=$(dpkg-query -W -f '${source:Version}' libmpich-dev)") >"$dir/get.log" 2>&1 || {
			echo "mpich-suite-get: apt-get source mpich failed (is there a deb-src line in /etc/apt/sources.list.d?); see $dir/get.log," >&2
			echo "  or download mpich-$version.tar.gz from mpich.org and give it as MPICH_TARBALL=FILE" >&2
			exit 1
		}
		tarball=$(ls "$dir"/mpich_"$version".orig.tar.* 2>/dev/null | head -1)
		[ -n "$tarball" ] || { echo "mpich-suite-get: no mpich_$version.orig tarball came (see $dir/get.log)" >&2; exit 1; }
	fi
	echo "mpich-suite-get: unpacking test/mpi of $tarball"
	tar -xf "$tarball" -C "$dir" "mpich-$version/test/mpi"
fi

suite=$src/test/mpi
if [ ! -f "$suite/Makefile" ]; then
	echo "mpich-suite-get: configuring (C only, ROMIO, MPI_THREAD_MULTIPLE)"
	(cd "$suite" && CC="$mpicc" MPICC="$mpicc" ./configure --disable-fortran --disable-cxx \
		--enable-romio --enable-threads=multiple --disable-spawn --disable-ft-tests \
		--disable-perftest) >"$dir/configure.log" 2>&1 ||
		{ echo "mpich-suite-get: configure failed: see $dir/configure.log" >&2; exit 1; }
fi
# util and dtpools hold what the tests link with; a test that does not
# build is left out (tests/mpich-suite.sh runs what is there)
for d in util dtpools $(awk '!/^#/ && NF { print $1 }' "$here/mpich-suite.list"); do
	echo "mpich-suite-get: building $d"
	make -C "$suite/$d" -k -j"${JOBS:-2}" >"$dir/build-$(echo "$d" | tr / -).log" 2>&1 ||
		echo "mpich-suite-get: some of $d did not build (see $dir/build-$d.log)"
done
echo "mpich-suite-get: built in $suite"
