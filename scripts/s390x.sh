#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# s390x.sh sysroot: prints the directory holding the s390x libraries the
# suite links (libkmod, libdw and theirs, libfuse3, libudev, json-c), unpacked from Debian's
# s390x packages (downloaded with apt-get, not installed: no multiarch
# version lock with this machine's own libraries), after installing the
# cross compiler and qemu-user-static if they are missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root="$top/build/sysroot-s390x"
pkgs=(libkmod2 libkmod-dev libdw1 libdw-dev libelf1 libelf-dev zlib1g liblzma5
	libbz2-1.0 libzstd1 libssl3 libfuse3-3 libfuse3-dev libudev1 libudev-dev libcap2
	libjson-c5 libjson-c-dev)

die() { echo "s390x: $*" >&2; exit 2; }
[ "${1:-}" = sysroot ] || die "usage: s390x.sh sysroot"

need=()
command -v s390x-linux-gnu-gcc >/dev/null || need+=(gcc-s390x-linux-gnu libc6-dev-s390x-cross)
command -v qemu-s390x-static >/dev/null || need+=(qemu-user-static)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing ${need[*]} (run as root or install them)"
	echo "s390x: installing ${need[*]}" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
stamp=$(printf '%s\n' "${pkgs[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$root/.complete" 2>/dev/null)" != "$stamp" ]; then
	[ "$(id -u)" -eq 0 ] || die "the s390x sysroot is missing (run as root once)"
	if ! dpkg --print-foreign-architectures | grep -qx s390x; then
		dpkg --add-architecture s390x
		apt-get update -qq >/dev/null
	fi
	rm -rf "$root" "$root.dl" && mkdir -p "$root.dl"
	(cd "$root.dl" && apt-get download -q "${pkgs[@]/%/:s390x}" >/dev/null 2>&1) ||
		{ apt-get update -qq >/dev/null; (cd "$root.dl" && apt-get download -q "${pkgs[@]/%/:s390x}" >&2); } ||
		die "apt-get download of the s390x packages failed"
	for d in "$root.dl"/*.deb; do dpkg -x "$d" "$root"; done
	rm -rf "$root.dl"
	echo "$stamp" >"$root/.complete"
fi
echo "$root"
