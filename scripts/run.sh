#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BINDIR DURATION: the main job (`make run`).  The stress campaign
# for DURATION seconds, then the fault campaigns (fail-nth sweep, failslab,
# fail_function, AP response codes), all under the deterministic scheduler
# so that every finding replays from its seed; the two joined into one
# results folder.  Exit 0 clean, 1 findings, 2 bad usage.
set -uo pipefail
bindir=$1 duration=${2:-}
case "$duration" in
''|*[!0-9]*|0) echo "make run: DURATION='$duration': expected seconds (a whole number > 0)" >&2; exit 2 ;;
esac
for b in vfio-ap-stress vfio-ap-fault; do
	[ -x "$bindir/$b" ] || { echo "make run: $bindir/$b is not built" >&2; exit 2; }
done
kernel=$("$bindir/vfio-ap-sim" --version 2>/dev/null | awk '{print $NF}')
dir="results/$(date +%Y%m%d-%H%M%S)-sim-${kernel:-unknown}"
mkdir -p "$dir" || exit 2
echo "make run: the simulated host of kernel ${kernel:-?}; stress for ${duration} s, then the fault campaigns"
"$bindir/vfio-ap-stress" --duration "$duration" --deterministic random --seed 1 --quiet \
	--results "$dir/stress"
rc=$?; [ $rc -le 1 ] || exit $rc
"$bindir/vfio-ap-fault" --deterministic random --seed 1 --seeds 1 --quiet --results "$dir/fault"
rc=$?; [ $rc -le 1 ] || exit $rc
"$bindir/vfio-ap-stress" merge --results "$dir" "$dir/stress" "$dir/fault"
