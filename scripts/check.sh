#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh BIN... --trees TREE...: all of `make check`, as the list of
# each layer's own test script, run in this order on the given vfio-ap-sim
# binaries and kernel trees; their TAP joined as one, the time of each as
# a comment; ends with "N passed, N failed, N skipped" (exit 0 when none
# failed).
#
#   driver/tests/scenarios.sh BIN...   the simulated host: scenarios, known
#                                      bugs, matcher, command line, replays
#   scripts/units.sh BIN...            abi/, campaign/, the option table
#   driver/mutants/check.sh TREE...    every mutant caught (and by the tools)
#   campaign/check.sh BIN...           the campaign tools and their results
#   driver/fixes/check.sh TREE...      every fix of a known bug proved
#   selftests/check.sh TREE... --mutants TREE...   the kselftest programs
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/tap.sh"
args_split --trees "$@"
bins=("${args_a[@]}") trees=("${args_b[@]}")

layer() { # name script args...: its TAP folded into ours, its time said
	local name=$1 t0=$SECONDS
	shift
	"$@" >"$out/layer" 2>&1
	tap_fold "$out/layer"
	# a script that could not count its tests is a failure of its own
	grep -q '^[0-9]* passed, [0-9]* failed' "$out/layer" ||
		tap_result fail "$name: no verdict" "$out/layer"
	echo "# time: $name: $((SECONDS - t0)) s"
}

layer "the scenarios, per binary" "$top/driver/tests/scenarios.sh" "${bins[@]}"
layer "the layers' own tests" "$top/scripts/units.sh" "${bins[@]}"
# from here on, a mutant that spins (spin-loop) is reported after 5 s,
# not the default 20
export SIM_SOFTLOCKUP_SECS=5
[ ${#trees[@]} -eq 0 ] || layer "the mutants" "$top/driver/mutants/check.sh" "${trees[@]}"
layer "the campaign tools" "$top/campaign/check.sh" "${bins[@]}"
[ ${#trees[@]} -eq 0 ] || layer "the fixes" "$top/driver/fixes/check.sh" "${trees[@]}"
[ ${#trees[@]} -eq 0 ] || layer "the selftests" "$top/selftests/check.sh" "${trees[@]}" --mutants "${trees[@]}"
tap_end
