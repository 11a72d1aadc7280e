#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# apply.sh BASE-TREE [EDITS.mut...] OUT-TREE
#
# Builds OUT-TREE as BASE-TREE with the driver directory copied and the
# edits of each file given (a mutant, or the fixes of driver/fixes/, in
# order) applied to the copy (the rest of the tree is symlinked); with no
# edits, the copy alone.
# An edit is an "@@ anchor" line (text of a line that comes before the
# place, e.g. the function's first line), a "- text" line (the first line
# after the anchor whose trimmed text equals it, before the end of the
# anchor's function: a "}" alone on a line; "@@@ anchor": anywhere after
# it) and zero or more "+ text" lines that replace it (none: the line is
# deleted), indented as the line found ("+|text": not indented, a label).
# "when: TEXT" and "unless: TEXT" lines restrict the edits to a file that
# has (has not) TEXT.  Exit status 3 when an edit does not apply to this
# tree (the mutant is not for this version).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: apply.sh BASE-TREE [EDITS.mut...] OUT-TREE" >&2; exit 2; }
base=$1 out=${!#}
muts=("${@:2:$#-2}")
crypto=drivers/s390/crypto
rm -rf "$out" && mkdir -p "$out/$crypto"
for f in "$base"/*; do
	[ "$(basename "$f")" = drivers ] || ln -s "$f" "$out/"
done
cp "$base/$crypto"/vfio_ap_* "$base/$crypto"/ap_bus.h "$out/$crypto/"
for mut in ${muts[@]+"${muts[@]}"}; do
	file=$(sed -n 's/^file: *//p' "$mut")
	file=${file:-vfio_ap_ops.c}
	target="$out/$crypto/$file"
	# "when: TEXT" / "unless: TEXT": the edits are for a driver whose file
	# has (has not) TEXT, e.g. a member only some generations have
	while IFS= read -r w; do
		grep -qF -- "$w" "$target" || exit 3
	done < <(sed -n 's/^when: *//p' "$mut")
	while IFS= read -r w; do
		if grep -qF -- "$w" "$target"; then exit 3; fi
	done < <(sed -n 's/^unless: *//p' "$mut")
	# split the edits into one awk run each
	tmp=$(mktemp -d)
	awk -v dir="$tmp" '/^@@@? /{n++} n>0{print > (dir "/edit." n)}' "$mut"
	for e in "$tmp"/edit.*; do
		awk -v editfile="$e" '
		BEGIN {
			while ((getline l < editfile) > 0) {
				if (l ~ /^@@@ /) { anchor = substr(l, 5); far = 1 }
				else if (l ~ /^@@ /) anchor = substr(l, 4)
				else if (l ~ /^- /) find = substr(l, 3)
				else if (l ~ /^\+\|/) { noind[nr] = 1; repl[nr++] = substr(l, 3) }
				else if (l ~ /^\+ ?/) repl[nr++] = substr(l, 3)
			}
		}
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		{
			# (a prototype, a line of its own ending in ");", is no anchor)
			if (!seen && index($0, anchor) && $0 !~ /^[A-Za-z].*\);$/) seen = 1
			# the end of the anchor'"'"'s function, the line not found: no
			# place here (unless "@@@": anywhere after the anchor)
			else if (seen == 1 && !far && $0 == "}") seen = 3
			else if (seen == 1 && trim($0) == find) {
				match($0, /^[ \t]*/)
				ind = substr($0, 1, RLENGTH)
				for (i = 0; i < nr; i++) print (noind[i] ? "" : ind) repl[i]
				seen = 2
				next
			}
			print
		}
		END { exit seen == 2 ? 0 : 3 }' "$target" > "$target.new" || { rm -rf "$tmp"; exit 3; }
		mv "$target.new" "$target"
	done
	rm -rf "$tmp"
done
