#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh TREE EDITS.mut...
#
# Applies the edits (a mutant; or fixes of driver/fixes/, then perhaps a
# mutant on top) to a copy of TREE's driver (apply.sh) and builds its
# simulated host; prints the vfio-ap-sim binary's path.  Every edit file
# with a "fixes: KI-n" line is recorded in the driver copy as a fix it
# carries (SIM_DRIVER_FIX, sim/fixes.h).  Exit status 3: an edit does not
# apply to this tree; otherwise non-zero on failure, with the reason on
# stderr.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$1
shift
kver=$("$top/scripts/ksrc.sh" version "$tree") || exit 1
name=
for m in "$@"; do
	name="$name${name:++}$(basename "$m" | sed 's/\.[a-z]*$//')"
done
# long combinations (every fix, a mutant on top) by their digest
[ ${#name} -le 80 ] || name="$(echo "$name" | cut -c1-40)-$(echo "$name" | sha256sum | cut -c1-10)"
mtree="$top/build/mutants/$kver-$name"
# MUTANT_TREE_OUT=FILE: the edited tree's path into FILE (a KSRC for the
# selftests' build against the edited driver)
[ -z "${MUTANT_TREE_OUT:-}" ] || echo "$mtree" >"$MUTANT_TREE_OUT"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$top/driver/mutants/apply.sh" "$tree" "$@" "$mtree" >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$log" >&2; exit $rc; }
for m in "$@"; do
	ki=$(sed -n 's/^fixes: *//p' "$m" | head -n1)
	[ -n "$ki" ] || continue
	printf '\n#include <sim/fixes.h>\nSIM_DRIVER_FIX("%s", "%s");\n' "$ki" "$(basename "$m" .fix)" \
		>>"$mtree/drivers/s390/crypto/vfio_ap_drv.c"
done
# sanitized, as the campaigns run: a use-after-free is caught at the
# access, not only where poisoned memory happens to fault
san=${MUTANT_SAN-1}
[ "$san" = 1 ] || san=
# MUTANT_CROSS=s390x: the cross build, run by qemu (not sanitized)
cross=${MUTANT_CROSS:-}
[ -z "$cross" ] || san=
# MUTANT_COV=1: the driver's two files count coverage (make run's build)
cov=${MUTANT_COV:-}
[ "$cov" = 1 ] || cov=
# the unmutated tree's build lends its objects: only the driver's two
# files differ, so only they are compiled again (driver/sim.mk)
base=$(make -s --no-print-directory -C "$top" sim-one TREE="$tree" SAN="$san" ${cov:+COV=1} ${cross:+CROSS=$cross} 2>"$log" | tail -n1) ||
	{ cat "$log" >&2; exit 1; }
mout="$top/build/k/$("$top/scripts/ksrc.sh" key "$mtree")${san:+-san}${cov:+-cov}${cross:+-$cross}"
if [ ! -e "$mout/obj" ] && [ -d "$top/$base/obj" ]; then
	mkdir -p "$mout/src"
	cp -a "$top/$base/obj" "$mout/"
	# the counts of the base's objects are not this build's
	find "$mout/obj" -name '*.gcda' -delete
	cp -a "$top/$base/src/.hsum" "$mout/src/" 2>/dev/null
fi
make -s --no-print-directory -C "$top" sim-one TREE="$mtree" SAN="$san" ${cov:+COV=1} ${cross:+CROSS=$cross} >"$log" 2>&1 ||
	{ cat "$log" >&2; exit 1; }
echo "$top/$(tail -n1 "$log")/bin/${cross:+qemu-}vfio-ap-sim"
