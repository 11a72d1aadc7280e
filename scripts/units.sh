#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# units.sh BIN...: the layers' own tests (kselftest programs built with
# each sim: unit-abi, unit-campaign, unit-options), for each native
# vfio-ap-sim given (plain and sanitized), each test one point.  Prints
# TAP and ends with "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/tap.sh"

for bin in "$@"; do
	[[ $bin == *-s390x/* ]] && continue
	d=$(dirname "$bin")
	label="$("$bin" --version)$(case $bin in *-san/*) echo ' asan+ubsan';; esac)"
	for u in "$d"/unit-*; do
		[ -x "$u" ] || continue
		name=$(basename "$u")
		"$u" >"$out/u.tap" 2>&1
		st=$?
		# every test of the program ("ok N global.NAME" as the harness
		# says it), then the program's own verdict (a crash between
		# tests shows there)
		while IFS= read -r line; do
			case $line in
			"ok "*" # SKIP"*) t=${line#ok * }; tap_result skip "$label $name: ${t%% # SKIP*}" "${line##*# SKIP }" ;;
			"ok "*) t=${line#ok * }; tap_result ok "$label $name: $t" ;;
			"not ok "*)
				t=${line#not ok * }
				grep -B30 -F -- "$line" "$out/u.tap" | grep '^#' >"$tap_log"
				tap_result fail "$label $name: $t" "$tap_log" ;;
			esac
		done <"$out/u.tap"
		if [ $st -eq 0 ] && grep -q '^# Totals: pass:[1-9]' "$out/u.tap"; then
			tap_result ok "$label $name: $(grep -o 'pass:[0-9]* fail:[0-9]*' "$out/u.tap")"
		else
			echo "# exit status $st" >>"$out/u.tap"
			tap_result fail "$label $name" "$out/u.tap"
		fi
	done
done
tap_end
