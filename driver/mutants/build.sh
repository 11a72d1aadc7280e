#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh TREE MUTANT.mut
#
# Applies the mutant to a copy of TREE's driver (apply.sh) and builds its
# simulated host; prints the vfio-ap-sim binary's path.  Exit status 3:
# the mutant does not apply to this tree; otherwise non-zero on failure,
# with the reason on stderr.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$1 mut=$2
kver=$("$top/scripts/ksrc.sh" version "$tree") || exit 1
mtree="$top/build/mutants/$kver-$(basename "$mut" .mut)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$top/driver/mutants/apply.sh" "$tree" "$mut" "$mtree" >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$log" >&2; exit $rc; }
# sanitized, as the campaigns run: a use-after-free is caught at the
# access, not only where poisoned memory happens to fault
san=${MUTANT_SAN-1}
[ "$san" = 1 ] || san=
# MUTANT_CROSS=s390x: the cross build, run by qemu (not sanitized)
cross=${MUTANT_CROSS:-}
[ -z "$cross" ] || san=
# the unmutated tree's build lends its objects: only the driver's two
# files differ, so only they are compiled again (driver/sim.mk)
base=$(make -s --no-print-directory -C "$top" sim-one TREE="$tree" SAN="$san" ${cross:+CROSS=$cross} 2>"$log" | tail -n1) ||
	{ cat "$log" >&2; exit 1; }
mout="$top/build/k/$("$top/scripts/ksrc.sh" key "$mtree")${san:+-san}${cross:+-$cross}"
if [ ! -e "$mout/obj" ] && [ -d "$top/$base/obj" ]; then
	mkdir -p "$mout/src"
	cp -a "$top/$base/obj" "$mout/"
	cp -a "$top/$base/src/.hsum" "$mout/src/" 2>/dev/null
fi
make -s --no-print-directory -C "$top" sim-one TREE="$mtree" SAN="$san" ${cross:+CROSS=$cross} >"$log" 2>&1 ||
	{ cat "$log" >&2; exit 1; }
echo "$top/$(tail -n1 "$log")/bin/${cross:+qemu-}vfio-ap-sim"
