#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mount-check.sh VFIO-AP-SIM PROGDIR: the linux backend against a sim
# served through FUSE (vfio-ap-sim --mount), as on a real host:
#  - the selftest programs in PROGDIR pass (guest and fail-nth tests skip);
#  - without an allowlist they all skip, saying how to allow them; with a
#    malformed one they stop at once with exit status 2, host untouched;
#  - a run killed with SIGKILL mid-way leaves a journal from which
#    `make restore` puts the mounted host back exactly.
# Prints "ok"/"not ok" lines for check.sh.
set -u
sim=$1 progs=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mnt=$(mktemp -d) work=$(mktemp -d)
export VFIO_AP_HOST=linux VFIO_AP_SYSFS_ROOT=$mnt VFIO_AP_JOURNAL=$work/journal
allow="adapters=0-3 domains=0-15"

"$sim" --mount "$mnt" >"$work/sim.log" 2>&1 &
simpid=$!
cleanup() {
	fusermount3 -u "$mnt" 2>/dev/null
	wait "$simpid" 2>/dev/null
	rmdir "$mnt"
	rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -e "$mnt/sys/bus/ap/apmask" ] && break; sleep 0.05; done
if [ ! -e "$mnt/sys/bus/ap/apmask" ]; then
	echo "not ok - mount: vfio-ap-sim --mount did not come up"
	sed 's/^/# /' "$work/sim.log"
	exit 1
fi

# what "the host as it was" means: every setting a test may change
snapshot() {
	local f
	for f in "$mnt"/sys/bus/ap/{apmask,aqmask} "$mnt"/sys/kernel/debug/failslab/* \
		"$mnt"/sys/kernel/debug/fail_function/{inject,probability,interval,times,space}; do
		printf '%s: %s\n' "${f#"$mnt"}" "$(cat "$f")"
	done
	ls "$mnt/sys/devices/vfio_ap/matrix"
	ls "$mnt/sys/bus/ap/drivers/vfio_ap"
}
snapshot >"$work/before"

# the programs, through real system calls
for p in matrix mdev dynamic uevent hwconfig; do
	VFIO_AP_TEST_APQNS=$allow timeout 300 "$progs/$p" >"$work/$p.tap" 2>&1
	if prove --exec cat "$work/$p.tap" >/dev/null 2>&1 && ! grep -q '^not ok' "$work/$p.tap"; then
		echo "ok - mount: $p on the linux backend: $(grep '^ok [0-9]' "$work/$p.tap" | grep -vc '# SKIP') passed, $(grep '^ok [0-9]' "$work/$p.tap" | grep -c '# SKIP') skipped"
	else
		echo "not ok - mount: $p on the linux backend"
		sed 's/^/# /' "$work/$p.tap" | tail -n 30
	fi
done
snapshot >"$work/after"
if cmp -s "$work/before" "$work/after" && [ ! -e "$work/journal" ]; then
	echo "ok - mount: every test undid its changes (host as before, journal gone)"
else
	echo "not ok - mount: host changed by the tests"
	diff "$work/before" "$work/after" | sed 's/^/# /'
fi

# the stress engine on the linux backend: only the allowlist's adapters
# and domains, every change journaled and undone at the end of each case
stress="$(dirname "$sim")/vfio-ap-stress"
if [ -x "$stress" ]; then
	snapshot >"$work/before"
	# (no unassignments: with them, the threaded run may hit KI-6, which
	# takes the served kernel down, mount and all; the sim runs find it)
	VFIO_AP_TEST_APQNS="adapters=1,2 domains=5,6" timeout 300 "$stress" --host linux --seeds 2 --ops 300 \
		--mix unassign=0 --quiet --results "$work/stress" >"$work/stress.log" 2>&1
	st=$?
	snapshot >"$work/after"
	ops=$(sed -n 's/^  "operations":\([0-9]*\),*$/\1/p' "$work/stress/summary.json" 2>/dev/null | head -n1)
	if [ $st -eq 0 ] && cmp -s "$work/before" "$work/after" && [ ! -e "$work/journal" ] && [ "${ops:-0}" -gt 0 ]; then
		echo "ok - mount: vfio-ap-stress --host linux: 2 cases, $ops operations through system calls, clean, host as before, journal gone"
	else
		echo "not ok - mount: vfio-ap-stress --host linux (exit $st)"
		{ cat "$work/stress.log"; diff "$work/before" "$work/after"; } | sed 's/^/# /' | tail -n 30
	fi
	VFIO_AP_TEST_APQNS= "$stress" --host linux --results "$work/stress2" >"$work/stress.log" 2>&1
	st=$?
	if [ $st -eq 2 ] && [ "$(wc -l <"$work/stress.log")" -eq 1 ] && grep -q VFIO_AP_TEST_APQNS "$work/stress.log" &&
		[ ! -e "$work/stress2" ]; then
		echo "ok - mount: vfio-ap-stress --host linux without an allowlist: one line naming it, exit 2"
	else
		echo "not ok - mount: vfio-ap-stress --host linux without an allowlist (exit $st)"
		sed 's/^/# /' "$work/stress.log"
	fi
fi

# the fault campaigns scope their faults to their own tasks: a host without
# the per-task switches (here: the mount's /proc is not the sim's) gets a
# one-line refusal, exit 2, and nothing touched
fault="$(dirname "$sim")/vfio-ap-fault"
if [ -x "$fault" ]; then
	snapshot >"$work/before"
	VFIO_AP_TEST_APQNS="adapters=2 domains=6" "$fault" --host linux --results "$work/fault" >"$work/fault.log" 2>&1
	st=$?
	snapshot >"$work/after"
	if [ $st -eq 2 ] && [ "$(wc -l <"$work/fault.log")" -eq 1 ] && [ ! -e "$work/fault" ] &&
		cmp -s "$work/before" "$work/after"; then
		echo "ok - mount: vfio-ap-fault --host linux without per-task fault switches: $(cat "$work/fault.log"), exit 2, host untouched"
	else
		echo "not ok - mount: vfio-ap-fault --host linux refusal (exit $st)"
		sed 's/^/# /' "$work/fault.log"
	fi
fi

# no allowlist: skip with the way to allow; malformed: exit 2, untouched
"$progs/matrix" >"$work/noallow" 2>&1
if [ $? -eq 0 ] && [ "$(grep -c '# SKIP destructive test on a real host: set VFIO_AP_TEST_APQNS' "$work/noallow")" -ge 6 ] &&
	! grep '^ok [0-9]' "$work/noallow" | grep -vq '# SKIP'; then
	echo "ok - mount: without an allowlist every test skips, saying how to allow it"
else
	echo "not ok - mount: without an allowlist"
	sed 's/^/# /' "$work/noallow" | tail -n 20
fi
VFIO_AP_TEST_APQNS="adapters=1,x domains=3" "$progs/matrix" >"$work/bad" 2>&1
rc=$?
snapshot >"$work/after"
if [ $rc -ne 0 ] && grep -q "allowlist: 'adapters=1,x'\|allowlist: '1,x'" "$work/bad" &&
	cmp -s "$work/before" "$work/after"; then
	echo "ok - mount: a malformed allowlist stops the run ($(grep -m1 allowlist "$work/bad")), host untouched"
else
	echo "not ok - mount: malformed allowlist (exit $rc)"
	sed 's/^/# /' "$work/bad" | tail -n 10
fi

# SIGKILL in mid-run (right after the Nth change, the whole process group,
# no handler running), then make restore
for n in 2 5 9; do
	VFIO_AP_TEST_APQNS=$allow VFIO_AP_CRASH_AFTER=$n setsid --wait "$progs/mdev" >"$work/killed" 2>&1
	st=$?
	lines=$([ -e "$work/journal" ] && wc -l <"$work/journal" || echo 0)
	snapshot >"$work/crashed"
	make -s --no-print-directory -C "$top" restore >"$work/restore" 2>&1
	rc=$?
	snapshot >"$work/after"
	if [ $st -eq 137 ] && [ "$lines" -ge $n ] && ! cmp -s "$work/before" "$work/crashed" &&
		[ $rc -eq 0 ] && cmp -s "$work/before" "$work/after" && [ ! -e "$work/journal" ]; then
		echo "ok - mount: SIGKILL after change $n left the host changed and a journal of $lines lines; make restore put it back exactly"
	else
		echo "not ok - mount: SIGKILL after change $n (exit $st, journal $lines lines), make restore exit $rc"
		{ cat "$work/restore"; diff "$work/before" "$work/after"; } | sed 's/^/# /' | tail -n 30
	fi
done

# SIGTERM in mid-run: the program's own handler puts the host back
VFIO_AP_TEST_APQNS=$allow VFIO_AP_CRASH_AFTER=5 VFIO_AP_CRASH_SIGNAL=TERM setsid --wait "$progs/mdev" >"$work/termed" 2>&1
st=$?
# the session leader is gone; the test process restoring may still run:
# its journal disappears when it is done
for _ in $(seq 100); do [ -e "$work/journal" ] || break; sleep 0.05; done
snapshot >"$work/after"
if [ $st -eq 143 ] && cmp -s "$work/before" "$work/after" && [ ! -e "$work/journal" ]; then
	echo "ok - mount: SIGTERM after change 5: the program's handler put the host back, journal gone"
else
	echo "not ok - mount: SIGTERM after change 5 (exit $st)"
	{ cat "$work/termed"; diff "$work/before" "$work/after"; ls -la "$work"; } | sed 's/^/# /' | tail -n 30
fi
