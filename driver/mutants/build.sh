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
make -s --no-print-directory -C "$top" sim-one TREE="$mtree" SAN="${MUTANT_SAN-1}" >"$log" 2>&1 ||
	{ cat "$log" >&2; exit 1; }
echo "$top/$(tail -n1 "$log")/bin/vfio-ap-sim"
