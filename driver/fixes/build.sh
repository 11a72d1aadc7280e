#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh TREE FIXES [MUTANT.mut]
#
# Builds TREE's driver with fixes of this folder applied (FIXES: "all",
# or ids and fix names separated by commas or spaces: "KI-6,KI-1",
# "ki6-stale-queue"), and MUTANT on top if given (a look-alike must still
# be caught on the fixed driver); prints the vfio-ap-sim binary's path.
# Of the fix files of one issue, those whose edits apply to TREE are
# used (one per driver generation).  The fixes used, one "KI-n NAME" a
# line, go to the file $FIXES_USED if set.  Exit status 3: nothing asked
# for applies to TREE (an id without a fix for it here); 2: bad FIXES.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/driver/fixes"
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: build.sh TREE FIXES [MUTANT.mut]" >&2; exit 2; }
tree=$1 want=$2 mut=${3:-}
want=$(echo "$want" | tr ',' ' ')
[ -n "${want// /}" ] || { echo "build.sh: FIXES is empty (all, or ids such as KI-6)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fixes=() used=
for w in $want; do
	found=
	for f in "$here"/*.fix; do
		id=$(sed -n 's/^fixes: *//p' "$f" | head -n1)
		case $w in
		all) ;;
		KI-*) [ "$w" = "$id" ] || continue ;;
		*) [ "$w" = "$(basename "$f" .fix)" ] || continue ;;
		esac
		case " ${fixes[*]} " in *" $f "*) found=1; continue ;; esac
		# one fix file per driver generation: the one whose edits apply
		if "$top/driver/mutants/apply.sh" "$tree" "$f" "$scratch/t" >/dev/null 2>&1; then
			fixes+=("$f")
			used="$used$id $(basename "$f" .fix)"$'\n'
			found=1
		fi
	done
	if [ -z "$found" ]; then
		case $w in
		all) echo "build.sh: no fix applies to $tree" >&2; exit 3 ;;
		KI-*) if grep -qx "fixes: $w" "$here"/*.fix; then
				echo "build.sh: no fix for $w applies to $tree" >&2; exit 3
			fi
			echo "build.sh: no fix for '$w' in driver/fixes/" >&2; exit 2 ;;
		*) echo "build.sh: no fix named '$w' in driver/fixes/ (or it does not apply to $tree)" >&2; exit 2 ;;
		esac
	fi
done
[ -z "${FIXES_USED:-}" ] || printf '%s' "$used" >"$FIXES_USED"
exec "$top/driver/mutants/build.sh" "$tree" "${fixes[@]}" ${mut:+"$mut"}
