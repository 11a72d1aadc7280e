#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scenarios.sh BIN...: the simulated host's own checks, against each given
# vfio-ap-sim binary: every scenario script (*.vas) beside this file, the
# shim families, the mutants' workloads on the unmutated driver, the known
# bugs' reports and their matcher, the command line, the deterministic
# scheduler's replays.  Prints TAP and ends with "N passed, N failed,
# N skipped".  A script may start with "# requires: X.Y" (kernel >= X.Y)
# or "# requires: <X.Y", "# needs: FEATURE" and "# sim: OPTIONS" (options
# of its own, such as a fixed schedule).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$top/scripts/tap.sh"

# vercmp_ge, script_on, run_script
. "$here/lib.sh"

for bin in "$@"; do
	kver=$("$bin" --version)
	label="$kver$(case $bin in *-san/*) echo ' asan+ubsan';; *-s390x/*) echo ' s390x (qemu)';; esac)"
	for t in "$here"/*.vas; do
		run_script "$bin" "$kver" "$label $(basename "$t" .vas)" "$t"
	done
	# the shim families beyond the driver's call sites (built natively)
	if [ -x "$(dirname "$bin")/shim-families" ] && [[ $bin != *-s390x/* ]]; then
		if "$(dirname "$bin")/shim-families" >"$out/log" 2>&1; then
			tap_result ok "$label shim families: $(tail -n1 "$out/log")"
		else
			tap_result fail "$label shim families" "$out/log"
		fi
	fi
	# the mutants' workloads must run clean on the unmutated driver
	for t in "$top"/driver/mutants/*.vas; do
		run_script "$bin" "$kver" "$label unmutated workload $(basename "$t" .vas)" "$t"
	done
	# known bugs that end the run (a crash, a sanitizer's abort): the
	# report must come, and be named as the known bug by its own report
	# (--identify, as a campaign names a dead case's crash); a plain
	# build is asked only where its poisoned memory makes the bug fault
	# (no "# plain: skip")
	for t in "$top"/driver/known/*.vas; do
		[ -e "$t" ] || continue
		name="$label known bug $(basename "$t" .vas)"
		req=$(sed -n 's/^# requires: *//p' "$t" | head -n1)
		case $req in
		"<"*) vercmp_ge "$kver" "${req#<}" && { tap_result skip "$name" "kernel $kver"; continue; } ;;
		?*) vercmp_ge "$kver" "$req" || { tap_result skip "$name" "kernel $kver"; continue; } ;;
		esac
		# on a driver with its fix: the steps run clean
		if "$bin" --fixes | grep -q "^$(sed -n 's/^# known: *//p' "$t" | head -n1) "; then
			run_script "$bin" "$kver" "$name (fixed: runs clean)" "$t"
			continue
		fi
		san=
		case $bin in
		*-san/*) san=1 ;;
		*-s390x/*) tap_result skip "$name" "the oops handler names faults on x86 only"; continue ;;
		*) grep -q '^# plain: skip' "$t" && { tap_result skip "$name" "undefined behaviour without the sanitizers"; continue; } ;;
		esac
		timeout 120 "$bin" --script "$t" >"$out/log" 2>&1
		st=$?
		# every "# expect: TEXT" line of the script must show in its
		# output (sanitized builds), and the crash be the known bug
		missing=
		if [ -n "$san" ]; then
			while IFS= read -r e; do
				grep -qF -- "$e" "$out/log" || missing="$missing [$e]"
			done < <(sed -n 's/^# expect: *//p' "$t")
		fi
		want=$(sed -n 's/^# known: *//p' "$t" | head -n1)
		"$bin" --identify "$out/log" >"$out/id" 2>&1
		id=$(sed -n '$p' "$out/id")
		if [ $st -ne 0 ] && [ -z "$missing" ] && [ -n "$want" ] && [ "${id%%:*}" = "$want" ]; then
			tap_result ok "$name: $id"
		else
			echo "# exit status $st; missing:$missing; identified: $id; want $want" >>"$out/log"
			tap_result fail "$name: the known report did not show" "$out/log"
		fi
	done
	# the matcher: each saved report named as its file for this kernel
	# says (driver/tests/identify/), the look-alikes new
	kmm=$(echo "$kver" | cut -d. -f1,2)
	: >"$out/log"
	bad=
	for f in "$here"/identify/*.txt; do
		[ -e "${f%.txt}.$kmm" ] || continue
		"$bin" --identify "$f" >"$out/id" 2>&1
		# a known issue the driver carries the fix of is excused no more
		cp "${f%.txt}.$kmm" "$out/want"
		for id in $("$bin" --fixes | cut -d' ' -f1); do
			sed -i "s/^$id: /new: /" "$out/want"
		done
		cmp -s "$out/id" "$out/want" || { bad="$bad $(basename "$f")"; diff "$out/want" "$out/id" >>"$out/log"; }
	done
	if [ -z "$bad" ]; then
		tap_result ok "$label known-issue matcher: $(ls "$here"/identify/*."$kmm" 2>/dev/null | wc -l) saved reports named as expected, look-alikes new"
	else
		tap_result fail "$label known-issue matcher:$bad" "$out/log"
	fi
	# command line: bad input gives one line and exit status 2
	for args in "--config 4y16" "--config 0x16" "--config 300x1" "--script /nonexistent" "--bogus"; do
		# shellcheck disable=SC2086
		"$bin" $args </dev/null >"$out/log" 2>&1
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$out/log")" -le 3 ]; then
			tap_result ok "$label cli '$args' exits 2"
		else
			echo "# exit status $rc" >>"$out/log"
			tap_result fail "$label cli '$args' exits 2" "$out/log"
		fi
	done
	printf 'read /nonexistent\nfrobnicate\n' | "$bin" >"$out/log" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'line 2' "$out/log" && grep -q 'error: ENOENT (2)' "$out/log"; then
		tap_result ok "$label script error names its line"
	else
		tap_result fail "$label script error names its line" "$out/log"
	fi
	# deterministic mode: the same seed twice gives the same run, byte for
	# byte (kernel log, findings, schedule digest); another seed another
	# schedule
	for pol in random pct; do
		name="$label replay --sched $pol: same seed, identical output"
		i=0
		for seed in 42 42 43; do
			i=$((i + 1))
			# the workload, then the whole kernel log
			printf 'log\n' | cat "$top/driver/mutants/two-thread-assign.vas" - |
				"$bin" --sched $pol --seed $seed >"$out/replay.$i" 2>&1
		done
		d1=$(grep -o 'digest [0-9a-f]*' "$out/replay.1") d3=$(grep -o 'digest [0-9a-f]*' "$out/replay.3")
		if cmp -s "$out/replay.1" "$out/replay.2" && [ -n "$d1" ] && [ "$d1" != "$d3" ]; then
			tap_result ok "$name ($(grep -o '[0-9]* switches' "$out/replay.1")); another seed, another schedule"
		else
			{ diff "$out/replay.1" "$out/replay.2"; echo "seed 42: $d1, seed 43: $d3"; } >"$out/log" 2>&1
			tap_result fail "$name" "$out/log"
		fi
		# the tasks as threads handing a token over (the mode's first
		# form): the same schedule and run as the context switches'
		printf 'log\n' | cat "$top/driver/mutants/two-thread-assign.vas" - |
			SIM_SCHED_HANDOVER=threads "$bin" --sched $pol --seed 42 >"$out/replay.4" 2>&1
		if cmp -s "$out/replay.1" "$out/replay.4"; then
			tap_result ok "$label --sched $pol: context switches and thread hand-over, the same run"
		else
			diff "$out/replay.1" "$out/replay.4" >"$out/log" 2>&1
			tap_result fail "$label --sched $pol: context switches and thread hand-over differ" "$out/log"
		fi
	done
	printf 'write /sys/bus/ap/apmask -1\n? error EBUSY\n' | "$bin" >"$out/log" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'FAIL line 2' "$out/log"; then
		tap_result ok "$label failed assertion exits 1"
	else
		tap_result fail "$label failed assertion exits 1" "$out/log"
	fi
done
tap_end
