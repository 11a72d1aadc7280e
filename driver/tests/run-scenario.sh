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
rc=0
for t in "$here"/*.vas; do
	req=$(sed -n 's/^# requires: *//p' "$t" | head -n1)
	case $req in
	"<"*) [ "$(printf '%s\n%s\n' "${req#<}" "$kver" | sort -V | head -n1)" = "${req#<}" ] && continue ;;
	?*) [ "$(printf '%s\n%s\n' "$req" "$kver" | sort -V | head -n1)" = "$req" ] || continue ;;
	esac
	what=$(sed -n '2,3p' "$t" | grep -v '^# requires' | head -n1 | sed 's/^# *//')
	asserts=$(grep -c '^?' "$t")
	if out=$("$bin" --script "$t" 2>&1); then
		printf '  %-16s ok    %3d assertions, invariants clean  (%s)\n' "$(basename "$t" .vas)" "$asserts" "$what"
	else
		rc=1
		printf '  %-16s FAIL  (%s)\n' "$(basename "$t" .vas)" "$what"
		echo "$out" | grep -E 'FAIL|isolation|consistency|exclusivity|WARNING|kmemleak' | head -n 10 | sed 's/^/      /'
	fi
done
echo "checked: isolation (vCPUs at every instruction, and at every queue hand-over),"
echo "  exclusivity, crycb == guest_matrix, guest_matrix within matrix and configuration,"
echo "  kernel WARNINGs, leaks after rmmod."
exit $rc
