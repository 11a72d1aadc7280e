#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job until the stress campaigns exist: the scenario scripts run
# one after the other on the simulated host, with a summary of what was
# checked.  Exit status: 0 clean, 1 on findings or failed assertions.
set -u
bin=${1:?usage: run-scenario.sh VFIO-AP-SIM}
here=$(cd "$(dirname "$0")" && pwd)
kver=$("$bin" --version) || exit 2
echo "vfio-ap-stress: simulated host, vfio_ap of kernel $kver"
rc=0 passed=0 failed=0
features=$("$bin" --features)
for t in "$here"/*.vas; do
	# "# needs: FEATURE": what the tree's driver (or the build) must have
	need=$(sed -n 's/^# needs: *//p' "$t" | head -n1)
	[ -z "$need" ] || grep -qx -- "$need" <<<"$features" || continue
	req=$(sed -n 's/^# requires: *//p' "$t" | head -n1)
	case $req in
	"<"*) [ "$(printf '%s\n%s\n' "${req#<}" "$kver" | sort -V | head -n1)" = "${req#<}" ] && continue ;;
	?*) [ "$(printf '%s\n%s\n' "$req" "$kver" | sort -V | head -n1)" = "$req" ] || continue ;;
	esac
	what=$(grep -v '^# requires\|^# needs' "$t" | sed -n '1s/^# *//p' | cut -c1-64)
	asserts=$(grep -c '^?' "$t")
	if out=$("$bin" --script "$t" 2>&1); then
		passed=$((passed + 1))
		known=$(grep -o 'known KI-[0-9]*' <<<"$out" | sed 's/known //' | sort -u | paste -sd, -)
		printf '  %-16s ok    %3d assertions, %-28s %s\n' "$(basename "$t" .vas)" "$asserts" \
			"$([ -n "$known" ] && echo "known driver bugs $known," || echo "invariants clean,")" "$what"
	else
		rc=1 failed=$((failed + 1))
		printf '  %-16s FAIL  (%s)\n' "$(basename "$t" .vas)" "$what"
		echo "$out" | grep -E 'FAIL|isolation|consistency|exclusivity|WARNING|kmemleak' | head -n 10 | sed 's/^/      /'
	fi
done
echo "checked: isolation (vCPUs at every instruction, and at every queue hand-over),"
echo "  exclusivity, crycb == guest_matrix, guest_matrix within matrix and configuration,"
echo "  kernel WARNINGs, leaks after rmmod and at VM/device teardown."
echo "known driver bugs (KNOWN-ISSUES.md) are reported, not counted as failures."
echo "$passed passed, $failed failed"
exit $rc
