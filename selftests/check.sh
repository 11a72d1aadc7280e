#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh TREE... [--mutants TREE...]: the selftests in `make check`.
# For each kernel tree, builds selftests/vfio_ap against it (the sim
# backend), runs `make run_tests` and has prove(1) judge the TAP.  With
# --mutants, runs them against each mutant of driver/mutants/ as well and
# reports which mutants they catch (a program failing).  Prints TAP, then
# "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/tap.sh"
args_split --mutants "$@"
trees=("${args_a[@]}") mtrees=("${args_b[@]}")
run() { # tree [san [outdir]]: builds and runs the selftests (the programs
	# in outdir if given, else beside their sources); TAP in $out/tap
	local o=${3:-}
	make -s --no-print-directory -C "$top/selftests/vfio_ap" ${o:+OUTPUT="$o"} clean >/dev/null 2>&1
	make -s --no-print-directory -C "$top/selftests/vfio_ap" KSRC="$1" SAN="${2:-}" ${o:+OUTPUT="$o"} all >"$out/build" 2>&1 ||
		{ cp "$out/build" "$out/tap"; return 2; }
	# (newer kselftest runners start each test under stdbuf, whose
	# preloaded library would come before a sanitized test's ASan
	# runtime: ASan is told that this order is fine)
	VFIO_AP_HOST=sim ASAN_OPTIONS=${2:+verify_asan_link_order=0} timeout 600 \
		make -s --no-print-directory -C "$top/selftests/vfio_ap" KSRC="$1" SAN="${2:-}" \
		${o:+OUTPUT="$o"} run_tests >"$out/tap" 2>&1
}
bugs_results() { # tap: "NAME ok|fail|skip SEEN [WHY]" per test (older
	# harnesses leave the name out of a SKIP's result line: the RUN lines
	# name them); SEEN: "yes" when the test's output reports its own issue
	# (kiN_...: a "known KI-N:" line) or the test died (a crash); WHY: a
	# skipped test's own reason (its result line's, or its SKIP line's)
	awk '/^#  RUN +bugs\./ { sub(/^#  RUN +bugs\./, ""); name[++n] = $1; seen = "no"; why = ""
		ki = $1; sub(/_.*/, "", ki); sub(/^ki/, "KI-", ki) }
	     index($0, "known " ki ":") || /terminated unexpectedly by signal/ { seen = "yes" }
	     /^# +SKIP +/ { why = $0; sub(/^# +SKIP +/, "", why) }
	     /^(not )?ok [0-9]+ / { i = ($1 == "not") ? $3 : $2
		r = ($1 == "not") ? "fail" : (/# SKIP/ ? "skip" : "ok")
		if (r == "skip" && index($0, "# SKIP ")) why = substr($0, index($0, "# SKIP ") + 7)
		print name[i], r, seen, (r == "skip" ? why : "") }' "$1"
}
bugs_check() { # tree kver: bugs against the driver as it is, then fixed
	local t r n=0 fixed="$out/fixed-$2"
	VFIO_AP_HOST=sim timeout 600 "$out/progs/bugs" >"$out/bugs" 2>&1
	while read -r t r seen why; do
		n=$((n + 1))
		case $r-$seen in
		skip-*) tap_result skip "$2 bugs.$t on the driver as it is" "${why:-no reason given}" ;;
		fail-yes) tap_result ok "$2 bugs.$t fails on the driver as it is, reporting its bug" ;;
		fail-*) tap_result fail "$2 bugs.$t fails on the driver as it is, but not with its own bug" "$out/bugs" ;;
		*) tap_result fail "$2 bugs.$t passes on the driver as it is, which has the bug" "$out/bugs" ;;
		esac
	done < <(bugs_results "$out/bugs")
	[ $n -gt 0 ] || tap_result fail "$2 bugs ran no test" "$out/bugs"
	mkdir -p "$fixed"
	if ! MUTANT_SAN=0 MUTANT_TREE_OUT="$out/ftree" "$top/driver/fixes/build.sh" "$1" all >"$out/fbuild" 2>&1 ||
		! make -s --no-print-directory -C "$top/selftests/vfio_ap" KSRC="$(cat "$out/ftree")" OUTPUT="$fixed" \
			"$fixed/bugs" >>"$out/fbuild" 2>&1; then
		tap_result fail "$2 bugs against the fixed driver (build)" "$out/fbuild"
		return
	fi
	VFIO_AP_HOST=sim timeout 600 "$fixed/bugs" >"$out/bugs" 2>&1
	r=$(bugs_results "$out/bugs" | grep -c ' ok \| skip ')
	if prove --exec cat "$out/bugs" >"$out/prove" 2>&1 && ! bugs_results "$out/bugs" | grep -q ' fail ' &&
		[ "$r" -eq "$n" ]; then
		tap_result ok "$2 bugs on the driver with every fix: all $r passed or skipped, TAP valid"
	else
		tap_result fail "$2 bugs on the driver with every fix" "$out/bugs"
	fi
}
native_of() { # tree: the programs against its driver (once, for the
	# first tree: bad input and the copy in the tree; for the last: the
	# FUSE-mounted sim)
	local tree=$1 kver sim intree bad rc
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	mkdir -p "$out/progs"
	run "$tree" "" "$out/progs"
	if prove --exec cat "$out/tap" >"$out/prove" 2>&1 && ! grep -q '^not ok' "$out/tap"; then
		tap_result ok "$kver selftests: $(grep -c '^# ok ' "$out/tap") tests passed, TAP valid (prove)"
	else
		cat "$out/prove" >>"$out/tap"
		tap_result fail "$kver selftests" "$out/tap"
	fi
	# the known bugs' reproducers (bugs.c): on this driver every test
	# whose bug it has fails, and with every fix of driver/fixes/ applied
	# each passes (or skips where the driver lacks what it drives)
	bugs_check "$tree" "$kver"
	# bad input: one line naming it, exit status 2, before any test
	[ "$tree" = "$first" ] && for bad in "VFIO_AP_HOST=bogus" "VFIO_AP_SIM_CONFIG=4x999" \
		"VFIO_AP_TEST_APQNS=adapters=1" "VFIO_AP_TEST_CONFIG=/nonexistent"; do
		env "$bad" "$out/progs/matrix" >"$out/bad" 2>&1
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad")" -eq 1 ]; then
			tap_result ok "$kver selftests: $bad: $(cat "$out/bad"), exit 2"
		else
			echo "exit $rc" >>"$out/bad"
			tap_result fail "$kver selftests: $bad" "$out/bad"
		fi
	done
	# once: the linux backend against the last tree's sim mounted with
	# FUSE (the newest: its driver has the most that a kernel log shows,
	# KI-18's races among it, which the campaign must name from the log
	# as known)
	if [ "$tree" = "$last" ]; then
		sim="$top/$(make -s --no-print-directory -C "$top" sim-one TREE="$tree" | tail -n1)/bin/vfio-ap-sim"
		"$top/selftests/mount-check.sh" "$sim" "$out/progs" >"$out/mount" 2>&1
		tap_fold "$out/mount" "$kver"
		grep -q '^ok - \|^not ok - ' "$out/mount" || tap_result fail "$kver mount-check printed nothing" "$out/mount"
	fi
	[ "$tree" = "$first" ] || return 0
	# copied into the kernel tree as tools/testing/selftests/vfio_ap
	intree="$tree/tools/testing/selftests/vfio_ap"
	if [ -w "$(dirname "$intree")" ] && [ ! -e "$intree" ]; then
		cp -r "$top/selftests/vfio_ap" "$intree"
		make -s --no-print-directory -C "$intree" clean >/dev/null 2>&1
		VFIO_AP_HOST=sim make -s --no-print-directory -C "$intree" VAS="$top" run_tests >"$out/tap" 2>&1
		if prove --exec cat "$out/tap" >"$out/prove" 2>&1 && grep -q '^# selftests: vfio_ap: matrix' "$out/tap"; then
			tap_result ok "$kver selftests in the kernel tree (tools/testing/selftests/vfio_ap): $(grep -c '^ok ' "$out/tap") programs passed"
		else
			cat "$out/prove" >>"$out/tap"
			tap_result fail "$kver selftests in the kernel tree" "$out/tap"
		fi
		rm -rf "$intree"
	fi
}
# the same programs built for s390x, run by qemu user emulation: the
# driver's big-endian and bit-numbering idioms on the target's ISA (and
# the guest's view of GR1, which only such a build has)
xprogs="matrix mdev dynamic uevent hwconfig inputs"
xbuild() { # tree outdir: the programs built for s390x
	mkdir -p "$2"
	make -s --no-print-directory -C "$top/selftests/vfio_ap" KSRC="$1" CROSS=s390x \
		OUTPUT="$2" all >"$out/build" 2>&1
}
xrun() { # outdir program: its TAP in $out/tap
	local sysroot
	sysroot=$("$top/scripts/s390x.sh" sysroot)
	QEMU_LD_PREFIX=/usr/s390x-linux-gnu \
	LD_LIBRARY_PATH="$sysroot/usr/lib/s390x-linux-gnu:$sysroot/lib/s390x-linux-gnu" \
	VFIO_AP_HOST=sim timeout 600 qemu-s390x-static "$1/$2" >"$out/tap" 2>&1
}
s390x_of() { # tree: the programs built for s390x, under qemu
	local tree=$1 kver xout p
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	xout="$top/build/selftests-s390x/$kver"
	if ! xbuild "$tree" "$xout"; then
		tap_result fail "$kver s390x selftests (build)" "$out/build"
		return
	fi
	for p in $xprogs; do
		xrun "$xout" "$p"
		if prove --exec cat "$out/tap" >"$out/prove" 2>&1 && ! grep -q '^not ok' "$out/tap"; then
			tap_result ok "$kver s390x (qemu) selftests $p: $(grep -c '^ok ' "$out/tap") passed, TAP valid"
		else
			cat "$out/prove" >>"$out/tap"
			tap_result fail "$kver s390x (qemu) selftests $p" "$out/tap"
		fi
	done
}
# The programs on the sanitized sim, built with ASan+UBSan themselves
# (lib/ and the sim's archives of the SAN=1 build): a use-after-free in
# the driver, the models or our code is seen where it happens.
san_of() { # tree
	local tree=$1 kver
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	mkdir -p "$out/progs-san"
	run "$tree" 1 "$out/progs-san"
	if prove --exec cat "$out/tap" >"$out/prove" 2>&1 && ! grep -q '^not ok' "$out/tap"; then
		tap_result ok "$kver asan+ubsan selftests: $(grep -c '^# ok ' "$out/tap") tests passed, TAP valid (prove)"
	else
		cat "$out/prove" >>"$out/tap"
		tap_result fail "$kver asan+ubsan selftests" "$out/tap"
	fi
}
first=${trees[0]:-} last=
[ ${#trees[@]} -eq 0 ] || last=${trees[${#trees[@]}-1]}
job() { # native:TREE, san:TREE or s390x:TREE
	case $1 in
	native:*) native_of "${1#native:}" ;;
	san:*) san_of "${1#san:}" ;;
	s390x:*) s390x_of "${1#s390x:}" ;;
	esac
}
items=()
for tree in "${trees[@]}"; do items+=("native:$tree"); done
for tree in "${trees[@]}"; do items+=("san:$tree"); done
for tree in "${trees[@]}"; do items+=("s390x:$tree"); done
# the s390x sysroot set up once, before the jobs that use it
[ ${#trees[@]} -eq 0 ] || "$top/scripts/s390x.sh" sysroot >/dev/null 2>&1
[ ${#items[@]} -eq 0 ] || tap_jobs job "${items[@]}"

# One tree's mutants, TAP on standard output (folded below); the trees
# run side by side, as many as there are CPUs, each with a scratch folder
# and the programs' build folder of its own.
mutants_of() { # tree
	local tree=$1 caught missed
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	caught=() missed=()
	mkdir -p "$out/progs"
	for m in "$top"/driver/mutants/*.mut; do
		# the look-alikes prove the known-issue matcher, which is the
		# campaigns', not the selftests' (they run against a real host)
		case $(basename "$m") in lookalike-*) continue ;; esac
		mname=$(basename "$m" .mut)
		mtree="$top/build/mutants/$kver-$mname"
		march=$(sed -n 's/^arch: *//p' "$m")
		[ "$march" = "$(uname -m)" ] && march=
		if [ -n "$march" ]; then
			# a mutant only that architecture shows: the programs
			# built for it against the mutant, under qemu
			"$top/driver/mutants/apply.sh" "$tree" "$m" "$mtree" >/dev/null 2>&1 || continue
			xout="$top/build/selftests-s390x/$kver-$mname"
			xbuild "$mtree" "$xout" || { cp "$out/build" "$out/tap"; missed+=("$mname(build)"); continue; }
			: >"$out/xtap"
			for p in $xprogs; do
				xrun "$xout" "$p"
				sed 's/^/# /' "$out/tap" >>"$out/xtap"
			done
			mv "$out/xtap" "$out/tap"
		else
			# its plain build, which the selftests link
			MUTANT_SAN=0 "$top/driver/mutants/build.sh" "$tree" "$m" >/dev/null 2>&1 || continue
			# plain: a sanitized selftest run costs twice a plain build and run
			run "$mtree" "" "$out/progs"
		fi
		if grep -q '^# not ok\|^not ok' "$out/tap"; then
			caught+=("$mname($(grep -o '^# not ok [0-9]* [a-z_.]*' "$out/tap" | awk '{ print $5 }' | paste -sd, -))")
		else
			missed+=("$mname")
		fi
	done
	if [ ${#missed[@]} -eq 0 ]; then
		tap_result ok "$kver selftests catch all ${#caught[@]} mutants: ${caught[*]}"
	else
		echo "missed: ${missed[*]}" >"$out/log"
		tap_result fail "$kver selftests miss mutants: ${missed[*]} (catch ${caught[*]:-none})" "$out/log"
	fi
}
[ ${#mtrees[@]} -eq 0 ] || tap_jobs mutants_of "${mtrees[@]}"
make -s --no-print-directory -C "$top/selftests/vfio_ap" clean >/dev/null 2>&1
tap_end
