#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages the build needs, when they are missing.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

for p in gcc make binutils xz-utils libc6-dev libdw-dev libkmod-dev libudev-dev perl libfuse3-dev fuse3 pkg-config libjson-c-dev libxml2-utils graphviz stress-ng; do
	have_pkg "$p" || need+=("$p")
done
# sanitizer runtimes of the system compiler
have_pkg libasan8 || need+=(libasan8)
have_pkg libubsan1 || need+=(libubsan1)

if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages: ${need[*]} (run as root or install them)" >&2
		exit 2
	fi
	echo "deps: installing ${need[*]}" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
