#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# patch.sh TREE REPORT.md
#
# The patch an upstream report (docs/upstream/) proposes, as a mail
# against TREE: the report's commit message (its first ``` block after
# "## Commit message": the subject line, a blank line, the body) and the
# diff of its fix (the report's "fix:" line names a file of this folder)
# applied to TREE's driver, `git apply`-able at the tree's top.  Written
# from the tree at the time it is asked for: nothing of the kernel's
# source is kept here.  Exit status 3: the fix does not apply to TREE.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 2 ] || { echo "usage: patch.sh TREE REPORT.md" >&2; exit 2; }
tree=$1 rep=$2
fix=$(sed -n 's/^fix: *//p' "$rep" | head -n1)
[ -n "$fix" ] && [ -e "$top/driver/fixes/$fix.fix" ] ||
	{ echo "patch.sh: $rep names no fix of driver/fixes/ (a line 'fix: NAME')" >&2; exit 2; }
msg=$(awk '/^## Commit message/ { m = 1; next } m && /^```/ { if (in_) exit; in_ = 1; next } in_' "$rep")
[ -n "$msg" ] || { echo "patch.sh: $rep has no commit message block" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/driver/mutants/apply.sh" "$tree" "$top/driver/fixes/$fix.fix" "$tmp/t" >"$tmp/log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/log" >&2; exit $rc; }
printf 'From: (the submitter)\nSubject: [PATCH] %s\n\n' "$(echo "$msg" | head -n1)"
echo "$msg" | tail -n +3
echo "---"
crypto=drivers/s390/crypto
for f in "$tmp/t/$crypto"/vfio_ap_*; do
	b=$(basename "$f")
	diff -up --label "a/$crypto/$b" --label "b/$crypto/$b" "$tree/$crypto/$b" "$f"
done
exit 0
