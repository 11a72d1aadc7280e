# SPDX-License-Identifier: GPL-2.0
# What the test runners share (driver/tests/scenarios.sh, driver/fixes/check.sh),
# sourced after scripts/tap.sh, with $out a scratch folder:
#   vercmp_ge A B                  A >= B (x.y[.z])
#   script_on BIN SCRIPT           the script as it must run on BIN's driver
#   run_script BIN KVER NAME SCRIPT  one TAP point: SCRIPT gated by its
#                                  "# needs:", "# requires:", run with its
#                                  "# sim:" options; passes when it exits 0

vercmp_ge() { # $1 >= $2 (x.y[.z])
	[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# The script to run on a driver: where the driver carries the fix of a
# known issue the script expects (vfio-ap-sim --fixes, driver/fixes/),
# its steps must run clean instead: "? contains known KI-n..." becomes
# "? ok" (`check` answers ok only when nothing was found), and an
# expectation followed by "# fixed KI-n: ? OTHER" (a symptom of the bug
# other than its report: an errno) becomes OTHER.
script_on() { # bin script: prints the path of the script to run
	local id s=$2 n=0
	for id in $("$1" --fixes 2>/dev/null | cut -d' ' -f1); do
		grep -q "^? contains known $id:\|^# fixed $id: " "$s" || continue
		n=$((n + 1))
		awk -v id="$id" '
			index($0, "# fixed " id ": ") == 1 { prev = substr($0, length(id) + 11); next }
			index($0, "? contains known " id ":") == 1 { $0 = "? ok" }
			NR > 1 { print prev }
			{ prev = $0 }
			END { if (NR) print prev }' "$s" >"$out/fixed.$n.vas"
		s="$out/fixed.$n.vas"
	done
	echo "$s"
}

run_script() { # bin kver name script: passes when the script exits 0
	local req need
	# "# needs: FEATURE": what the tree's driver must have (--features)
	need=$(sed -n 's/^# needs: *//p' "$4" | head -n1)
	if [ -n "$need" ] && ! "$1" --features | grep -qx -- "$need"; then
		tap_result skip "$3" "the driver of $2 has no $need"
		return
	fi
	req=$(sed -n 's/^# requires: *//p' "$4" | head -n1)
	case $req in
	"<"*) vercmp_ge "$2" "${req#<}" && { tap_result skip "$3" "kernel $2"; return; } ;;
	?*) vercmp_ge "$2" "$req" || { tap_result skip "$3" "kernel $2"; return; } ;;
	esac
	# "# sim: OPTIONS": the script's own options (a fixed schedule:
	# --sched random --seed N, where timing would decide the outcome)
	# shellcheck disable=SC2046
	if timeout 120 "$1" $(sed -n 's/^# sim: *//p' "$4" | head -n1) --script "$(script_on "$1" "$4")" >"$out/log" 2>&1; then
		tap_result ok "$3"
	else
		echo "# exit status $?" >>"$out/log"
		tap_result fail "$3" "$out/log"
	fi
}
