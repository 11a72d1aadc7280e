#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh TREE...
#
# The proof of each fix of this folder, on every tree it applies to; TAP,
# ending in "N passed, N failed, N skipped" (make check folds it in):
#   - its known issue's repros (every scenario that expects the issue:
#     driver/known/*.vas "# known: KI-n", driver/tests/*.vas "? contains
#     known KI-n") run clean on the driver with the fix;
#   - its look-alike mutant ("lookalike:") applied on top of the fix is
#     still caught, as a finding that is not a known bug;
#   - a short deterministic stress campaign (seeds 1..2, 1000 operations
#     each) on the driver with this fix alone finds nothing new;
# and of all fixes together, per tree:
#   - a deterministic stress campaign (seeds 1..4, 2000 operations each)
#     finds nothing new;
#   - the fixed driver passes driver/tests/scenarios.sh (every scenario, the
#     matcher, the command line), its fixed issues' tests turned to
#     "runs clean" and their saved reports to new;
# and on the newest tree given, each upstream report's patch
# (docs/upstream/, patch.sh) applies, and its tree runs the repros clean.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/driver/fixes"
. "$top/scripts/tap.sh"
. "$top/driver/tests/lib.sh"

# every scenario that expects known issue ID, run on BIN (with its fix):
# each must run clean
repros() { # bin kver id name
	local t n=0
	for t in "$top"/driver/known/*.vas "$top"/driver/tests/*.vas; do
		grep -qx "# known: $3" "$t" || grep -q "^? contains known $3:" "$t" || continue
		n=$((n + 1))
		run_script "$1" "$2" "$4: $(basename "$t") runs clean" "$t"
	done
	[ $n -gt 0 ] || tap_result skip "$4: repro" "no repro of $3 here"
}

# a deterministic stress campaign on BIN's driver (seeds 1..SEEDS, OPS
# operations each): it must find nothing new, and its summary must say the
# driver carries fix ID (or, "KI-", some fix)
campaign() { # bin seeds ops id name
	local st
	rm -rf "$out/camp"
	timeout 600 "$(dirname "$1")/vfio-ap-stress" --host sim --seed 1 --seeds "$2" --ops "$3" --deterministic random \
		--quiet --results "$out/camp" >"$out/camp.log" 2>&1
	st=$?
	if [ $st -eq 0 ] && grep -q "\"fixes\": *\"[^\"]*$4\\b" "$out/camp/summary.json"; then
		tap_result ok "$5, $2 seeds x $3 operations, nothing new"
	else
		echo "# exit status $st" >>"$out/camp.log"
		grep -o '"title": *"[^"]*"' "$out/camp/summary.json" >>"$out/camp.log" 2>/dev/null
		tap_result fail "$5" "$out/camp.log"
	fi
}

# The upstream reports' patches (docs/upstream/), on the newest tree given:
# each applies to its file (patch(1), no fuzz), and the tree it gives runs
# its issue's repros clean.
upstream_patches() { # tree
	local tree=$1 kver r fix id p ptree bin
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	for r in "$top"/docs/upstream/*.md; do
		fix=$(sed -n 's/^fix: *//p' "$r" | head -n1)
		[ -n "$fix" ] || continue
		id=$(sed -n 's/^fixes: *//p' "$here/$fix.fix" | head -n1)
		p="$out/$fix.patch"
		ptree="$top/build/mutants/$kver-patched-$fix"
		"$here/patch.sh" "$tree" "$r" >"$p" 2>"$out/log"
		case $? in
		0) ;;
		3) tap_result skip "$kver upstream patch $(basename "$r" .md)" "its fix is for another driver generation"; continue ;;
		*) tap_result fail "$kver upstream patch $(basename "$r" .md)" "$out/log"; continue ;;
		esac
		if ! "$top/driver/mutants/apply.sh" "$tree" "$ptree" >>"$out/log" 2>&1 ||
			! patch -p1 -F0 -d "$ptree" <"$p" >>"$out/log" 2>&1; then
			tap_result fail "$kver upstream patch $(basename "$r" .md) applies" "$out/log"
			continue
		fi
		tap_result ok "$kver upstream patch $(basename "$r" .md) applies ($(grep -c '^@@' "$p") hunks)"
		# the patched tree says which issue it fixes, as build.sh's trees do
		# (named apart from build.sh's tree of the same fix: another
		# build folder, which a build beside it may be writing)
		printf '\n#include <sim/fixes.h>\nSIM_DRIVER_FIX("%s", "%s (its upstream patch)");\n' "$id" "$fix" \
			>>"$ptree/drivers/s390/crypto/vfio_ap_drv.c"
		bin=$(make -s --no-print-directory -C "$top" sim-one TREE="$ptree" SAN=1 2>"$out/log" | tail -n1) ||
			{ tap_result fail "$kver upstream patch $(basename "$r" .md) (build)" "$out/log"; continue; }
		repros "$top/$bin/bin/vfio-ap-sim" "$kver" "$id" "$kver upstream patch $(basename "$r" .md)"
	done
}

# One tree's proofs, TAP on standard output (numbered on its own: folded
# below); the trees run side by side, as many as there are CPUs, each in a
# scratch folder of its own.
fixes_of() { # tree
	local tree=$1
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	for id in $(sed -n 's/^fixes: *//p' "$here"/*.fix | sort -u -t- -k2n); do
		name="$kver fix $id"
		bin=$(FIXES_USED="$out/used" "$here/build.sh" "$tree" "$id" 2>"$out/log")
		case $? in
		0) ;;
		3) tap_result skip "$name" "no fix for $id applies to $kver"; continue ;;
		*) tap_result fail "$name (build)" "$out/log"; continue ;;
		esac
		used=$(cut -d' ' -f2 "$out/used" | paste -sd' ')
		# the repros, run clean
		repros "$bin" "$kver" "$id" "$name ($used)"
		# the look-alike, caught on the fixed driver
		for f in $used; do
			la=$(sed -n 's/^lookalike: *//p' "$here/$f.fix")
			[ -n "$la" ] || continue
			m="$top/driver/mutants/$la.mut"
			lbin=$("$here/build.sh" "$tree" "$f" "$m" 2>"$out/log")
			case $? in
			0) ;;
			3) tap_result skip "$name: look-alike $la" "does not apply to $kver"; continue ;;
			*) tap_result fail "$name: look-alike $la (build)" "$out/log"; continue ;;
			esac
			timeout 120 "$lbin" --script "$top/driver/mutants/$(sed -n 's/^workload: *//p' "$m")" >"$out/log" 2>&1
			st=$? caught=
			while IFS= read -r e; do
				grep -v '^known KI-' "$out/log" | grep -qF -- "$e" && caught=$e && break
			done < <(sed -n 's/^expect: *//p' "$m")
			if [ $st -ne 0 ] && [ -n "$caught" ]; then
				tap_result ok "$name: look-alike $la still caught ($caught)"
			else
				echo "# exit status $st" >>"$out/log"
				tap_result fail "$name: look-alike $la not caught on the fixed driver" "$out/log"
			fi
		done
		# a short campaign on the driver with this fix alone finds
		# nothing new (the other known bugs still there, still known)
		campaign "$bin" 2 1000 "$id" "$name: stress campaign with this fix alone"
	done
	# every fix together
	bin=$(FIXES_USED="$out/used" "$here/build.sh" "$tree" all 2>"$out/log")
	case $? in
	0) ;;
	3) tap_result skip "$kver all fixes" "none applies"; return ;;
	*) tap_result fail "$kver all fixes (build)" "$out/log"; return ;;
	esac
	all=$(cut -d' ' -f1 "$out/used" | sort -u -t- -k2n | paste -sd' ')
	campaign "$bin" 4 2000 KI- "$kver all fixes ($all): stress campaign"
	"$top/driver/tests/scenarios.sh" "$bin" >"$out/run" 2>&1
	tap_fold "$out/run" "all fixes:"
}
# the newest tree given
newest=
for tree in "$@"; do
	[ -z "$newest" ] || vercmp_ge "$("$top/scripts/ksrc.sh" version "$tree")" \
		"$("$top/scripts/ksrc.sh" version "$newest")" && newest=$tree
done
# the trees' proofs, and the upstream patches on the newest tree
job() { # tree, or upstream:TREE
	case $1 in
	upstream:*) upstream_patches "${1#upstream:}" ;;
	*) fixes_of "$1" ;;
	esac
}
[ $# -eq 0 ] || tap_jobs job "$@" ${newest:+"upstream:$newest"}
tap_end
