#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BINDIR DURATION: the main job (`make run`).  The host: as lib/
# chooses it for every tool (vfio-ap-stress --which-host): VFIO_AP_HOST if
# set, else this machine's kernel (`linux`) on an s390x machine with the AP
# bus, where VFIO_AP_TEST_APQNS must name the adapters and domains it may
# use, else the simulated host.  The stress campaign for DURATION seconds, then the fault
# campaigns, joined into one results folder; on the sim everything runs
# under the deterministic scheduler, so that every finding replays from its
# seed, and on the sim the driver's coverage is counted (a COV=1 build)
# and the stress campaign is guided by a corpus kept across runs
# (CORPUS=DIR, default results/corpus-<kernel>; CORPUS=none: unguided).
# Exit 0 clean, 1 findings, 2 bad usage.
set -uo pipefail
bindir=$1 duration=${2:-}
case "$duration" in
''|*[!0-9]*|0) echo "make run: DURATION='$duration': expected seconds (a whole number > 0)" >&2; exit 2 ;;
esac
for b in vfio-ap-stress vfio-ap-fault vfio-ap-sim; do
	[ -x "$bindir/$b" ] || { echo "make run: $bindir/$b is not built" >&2; exit 2; }
done
# the suite's one rule (lib/'s vap_host_default), as the tools apply it
host=$("$bindir/vfio-ap-stress" --which-host) || exit 2
case $host in
sim)
	kernel=$("$bindir/vfio-ap-sim" --version 2>/dev/null | awk '{print $NF}')
	simargs=(--deterministic random --coverage)
	# make run FIXES=...: the driver carries fixes of driver/fixes/ (a
	# corpus of its own: its edges are not the unfixed driver's)
	fixes=$("$bindir/vfio-ap-sim" --fixes 2>/dev/null | cut -d' ' -f1 | sort -u -t- -k2n | paste -sd+)
	corpus=${CORPUS:-results/corpus-${kernel:-unknown}${fixes:+-fixed-$fixes}}
	[ "$corpus" = none ] && corpus=
	what="the simulated host of kernel ${kernel:-?}${fixes:+, driver fixed for ${fixes//+/, }}" ;;
linux)
	kernel=$(uname -r)
	simargs=()
	corpus=
	what="this machine's kernel $kernel (within VFIO_AP_TEST_APQNS=${VFIO_AP_TEST_APQNS:-})" ;;
*)
	echo "make run: VFIO_AP_HOST='$host': expected sim or linux" >&2; exit 2 ;;
esac
dir="results/$(date +%Y%m%d-%H%M%S)-$host-${kernel:-unknown}"
mkdir -p "$dir" || exit 2
echo "make run: $what; stress for ${duration} s${corpus:+ (guided by the corpus in $corpus)}, then the fault campaigns"
"$bindir/vfio-ap-stress" --host "$host" --duration "$duration" "${simargs[@]}" --seed 1 --quiet \
	${corpus:+--corpus "$corpus"} --results "$dir/stress"
rc=$?; [ $rc -le 1 ] || exit $rc
[ -z "$corpus" ] || echo "make run: corpus: $(ls "$dir/stress/corpus" 2>/dev/null | wc -l) case(s) kept, each reaching driver edges (or hit counts) no case before it had, the replayed entries of the last run included ($dir/stress/corpus; $corpus for the next run)"
parts=("$dir/stress")
"$bindir/vfio-ap-fault" --host "$host" "${simargs[@]}" --seed 1 --seeds 1 --quiet --results "$dir/fault"
rc=$?
if [ $rc -le 1 ]; then
	parts+=("$dir/fault")
elif [ "$host" = linux ]; then
	# a kernel without fault injection: the stress results alone
	echo "make run: the fault campaigns cannot run on this kernel (above); the stress campaign's results follow"
else
	exit $rc
fi
"$bindir/vfio-ap-stress" merge --results "$dir" "${parts[@]}"
