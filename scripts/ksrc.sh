#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Locate or fetch the kernel source tree the simulated host is built from.
#
#   ksrc.sh tree VERSION     fetch Debian's linux-source-VERSION if needed and
#                            print the unpacked tree (under build/ksrc/)
#   ksrc.sh key DIR          print the build key of a tree: <kernelversion>-<hash>
#   ksrc.sh version DIR      print the kernel version from the tree's Makefile
#
# Only the paths the suite needs are unpacked.  A missing or unusable tree is
# reported in one line with exit status 2.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/build/ksrc"

die() { echo "ksrc: $*" >&2; exit 2; }

# Paths taken from a Debian linux-source tarball (relative to its top).
paths=(
	Makefile
	drivers/s390/crypto/vfio_ap_ops.c
	drivers/s390/crypto/vfio_ap_drv.c
	drivers/s390/crypto/vfio_ap_private.h
	drivers/s390/crypto/vfio_ap_debug.h
	drivers/s390/crypto/ap_bus.h
	arch/s390/include/uapi
	include/uapi
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/lib.mk
	tools/testing/selftests/kselftest
	tools/testing/selftests/kvm
	tools/include
	tools/arch/s390
	tools/lib
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	Documentation/fault-injection/fault-injection.rst
	Documentation/locking/lockdep-design.rst
)

driver_files=(vfio_ap_ops.c vfio_ap_drv.c vfio_ap_private.h vfio_ap_debug.h ap_bus.h)

check_tree() {
	local d=$1 f
	[ -d "$d" ] || die "kernel tree '$d' does not exist"
	[ -f "$d/Makefile" ] || die "'$d' has no top-level Makefile: not a kernel tree"
	for f in "${driver_files[@]}"; do
		[ -f "$d/drivers/s390/crypto/$f" ] ||
			die "'$d' lacks drivers/s390/crypto/$f: not a kernel tree with vfio_ap"
	done
	[ -d "$d/include/uapi/linux" ] || die "'$d' lacks include/uapi/linux"
}

kversion() {
	local d=$1
	awk -F' *= *' '
		/^VERSION *=/ { v = $2 } /^PATCHLEVEL *=/ { p = $2 }
		/^SUBLEVEL *=/ { s = $2 }
		END { if (v == "" || p == "") exit 1; printf "%s.%s.%s\n", v, p, (s == "" ? 0 : s) }
	' "$d/Makefile" || die "cannot read the kernel version from $d/Makefile"
}

key() {
	local d=$1 h
	check_tree "$d"
	h=$(cd "$d/drivers/s390/crypto" && cat "${driver_files[@]}" | sha256sum | cut -c1-10)
	echo "$(kversion "$d")-$h"
}

# Where this apt keeps its sources and preferences (honours APT_CONFIG).
apt_dirs() {
	parts=/etc/apt/sources.list.d/ list=/etc/apt/sources.list prefs=/etc/apt/preferences.d/
	eval "$(apt-config shell parts Dir::Etc::sourceparts/d list Dir::Etc::sourcelist/f \
		prefs Dir::Etc::preferencesparts/d 2>/dev/null)"
}

# The Debian mirror this machine is already configured with.
mirror() {
	local uri
	uri=$(grep -hs '^URIs:' "$parts"/*.sources | awk '{print $2}' |
	      grep -v security | head -n1 || true)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' "$list" "$parts"/*.list |
	      awk '$0 !~ /security/ {print $2; exit}' || true)
	[ -n "$uri" ] || die "no Debian mirror configured in $parts; cannot enable $1"
	echo "$uri"
}

# Make a Debian suite available from the machine's own mirror.
#   backports: bookworm-backports (apt's default pin for it is already low)
#   unstable:  the newest kernels; pinned at priority 1, so that nothing on
#              the machine is ever upgraded from it: only a package that
#              exists nowhere else (linux-source-7.x) is taken from it.  A
#              mirror snapshot's Release may be past its Valid-Until; the
#              signature is still checked.
enable_suite() {
	local what=$1 suite uri parts list prefs extra=
	case $what in
	backports) suite=bookworm-backports ;;
	unstable) suite=unstable extra="Check-Valid-Until: no" ;;
	*) die "unknown suite '$what'" ;;
	esac
	if apt-cache policy 2>/dev/null | grep -q " $suite/main\| a=$suite,"; then
		return 0
	fi
	apt_dirs
	uri=$(mirror "$suite")
	echo "ksrc: enabling $suite from $uri${extra:+ (pinned at priority 1)}" >&2
	if [ "$what" = unstable ]; then
		cat > "$prefs/vfio-ap-stress-unstable.pref" <<EOS
# vfio-ap-stress: Debian unstable for linux-source-7.x only; never an upgrade
Package: *
Pin: release a=unstable
Pin-Priority: 1
EOS
	fi
	cat > "$parts/vfio-ap-stress-$what.sources" <<EOS
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
${extra}
EOS
	apt-get update -qq >/dev/null
}

fetch() {
	local v=$1 tree="$cache/linux-source-$1" dl="$cache/dl" deb tarball
	# the stamp names the list of paths: a longer list unpacks again
	local stamp
	stamp=$(printf '%s\n' "${paths[@]}" | sha256sum | cut -c1-16)
	if [ -f "$tree/.complete" ] && [ "$(cat "$tree/.complete")" = "$stamp" ]; then
		echo "$tree"
		return
	fi
	command -v apt-get >/dev/null || die "apt-get not found: pass KSRC=<kernel tree> instead"
	mkdir -p "$dl"
	deb=$(ls "$dl"/linux-source-"${v}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		if ! apt-cache show "linux-source-$v" >/dev/null 2>&1; then
			apt-get update -qq >/dev/null
			apt-cache show "linux-source-$v" >/dev/null 2>&1 || case $v in
			6.*) enable_suite backports ;;
			*) enable_suite unstable ;;
			esac
		fi
		apt-cache show "linux-source-$v" >/dev/null 2>&1 ||
			die "Debian package linux-source-$v is not available from this machine's apt sources"
		(cd "$dl" && apt-get download -q "linux-source-$v" >&2 2>/dev/null) ||
			(cd "$dl" && apt-get download -q "linux-source-$v" >&2) ||
			die "apt-get download linux-source-$v failed"
		deb=$(ls "$dl"/linux-source-"${v}"_*.deb | head -n1)
	fi
	echo "ksrc: unpacking the needed paths of $(basename "$deb")" >&2
	rm -rf "$tree.tmp" && mkdir -p "$tree.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree.tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tarball=$(ls "$tree.tmp"/usr/src/linux-source-*.tar.xz | head -n1)
	local p pre
	pre=$(basename "$tarball" .tar.xz)
	local args=()
	for p in "${paths[@]}"; do args+=("$pre/$p"); done
	tar -xJf "$tarball" -C "$tree.tmp" "${args[@]}" 2>/dev/null ||
		tar -xJf "$tarball" -C "$tree.tmp" --ignore-failed-read "${args[@]}" 2>/dev/null || true
	rm -f "$tarball"
	rm -rf "$tree"
	mv "$tree.tmp/$pre" "$tree"
	rm -rf "$tree.tmp"
	check_tree "$tree"
	echo "$stamp" >"$tree/.complete"
	echo "$tree"
}

case ${1:-} in
tree) [ $# -eq 2 ] || die "usage: ksrc.sh tree VERSION"; fetch "$2" ;;
key) [ $# -eq 2 ] || die "usage: ksrc.sh key DIR"; key "$2" ;;
version) [ $# -eq 2 ] || die "usage: ksrc.sh version DIR"; check_tree "$2"; kversion "$2" ;;
*) die "usage: ksrc.sh tree VERSION | key DIR | version DIR" ;;
esac
