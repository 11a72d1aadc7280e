#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh TREE...: every mutant of this folder applied to a copy of each
# TREE's driver, built, and run on its workload: the expected finding must
# be reported; then the campaign tools on the mutant must find it too, and
# its repro.sh replay it (the same workloads run clean on the unmutated
# drivers: ../tests/scenarios.sh).  Trees run side by side, as many as
# there are CPUs, each in a scratch folder of its own.  Prints TAP and ends
# with "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/tap.sh"

# A mutant that spins (spin-loop) is reported after 5 s, not the default
# 20 (the selftests against the mutants set the same).
export SIM_SOFTLOCKUP_SECS=5
# One tree's mutants, TAP on standard output (numbered on its own: folded
# below); trees run side by side, as many as there are CPUs, each in a
# scratch folder of its own.
mutants_of() { # tree
	local tree=$1
	kver=$("$top/scripts/ksrc.sh" version "$tree")
	for m in "$top"/driver/mutants/*.mut; do
		mname=$(basename "$m" .mut)
		name="$kver mutant $mname"
		# a mutant only an architecture shows (arch: s390x, the guest's
		# view of GR1) is built for it: the cross build under qemu here
		march=$(sed -n 's/^arch: *//p' "$m")
		[ "$march" = "$(uname -m)" ] && march=
		mbin=$(MUTANT_CROSS="$march" "$top/driver/mutants/build.sh" "$tree" "$m" 2>"$out/log")
		case $? in
		0) ;;
		3) tap_result skip "$name" "does not apply to $kver"; continue ;;
		*) tap_result fail "$name (build)" "$out/log"; continue ;;
		esac
		wl="$top/driver/mutants/$(sed -n 's/^workload: *//p' "$m")"
		t0=$(date +%s%N)
		timeout 120 "$mbin" --script "$wl" >"$out/log" 2>&1
		st=$? ms=$((($(date +%s%N) - t0) / 1000000))
		caught=
		while IFS= read -r e; do
			# a known driver bug's line does not count as catching a mutant
			grep -v '^known KI-' "$out/log" | grep -qF -- "$e" && caught=$e && break
		done < <(sed -n 's/^expect: *//p' "$m")
		if [ "$st" -ne 0 ] && [ -n "$caught" ]; then
			tap_result ok "$name caught in $ms ms: $caught"
		else
			echo "# exit status $st; expected one of:" >>"$out/log"
			sed -n 's/^expect: */#   /p' "$m" >>"$out/log"
			tap_result fail "$name not caught" "$out/log"
		fi
		# a cross-built mutant's campaign runs under qemu too (its
		# tools' wrappers)
		qp=${march:+qemu-}
		# the campaign tools on the mutant: a short deterministic stress
		# campaign, then (for the bugs on error paths) the fail-nth sweep;
		# caught when an unknown finding has the expected title
		camp_caught=
		cf=$(sed -n 's/^campaign-fault: *//p' "$m")
		for tool in "vfio-ap-stress --host sim --seed 1 --seeds 4 --ops 2000${cf:+ --fault $cf}" \
			"vfio-ap-fault --host sim --campaign fail-nth"; do
			rm -rf "$out/camp"
			timeout 300 "$(dirname "$mbin")"/$qp$tool --deterministic random --results "$out/camp" \
				>"$out/camp.log" 2>&1
			camp_rc=$?
			while IFS= read -r e; do
				grep '^  F[0-9]' "$out/camp.log" | grep -v ' known KI-' | grep -qF -- "$e" &&
					camp_caught="${tool%% *}: $e" && break
			done < <(if grep -q '^campaign-expect:' "$m"; then
					sed -n 's/^campaign-expect: *//p' "$m"
				else
					sed -n 's/^expect: *//p' "$m"
				fi)
			[ -n "$camp_caught" ] && break
		done
		# a campaign with findings exits 1: not 0 (missed), not 2 (a tool
		# that could not run)
		if [ -n "$camp_caught" ] && [ "$camp_rc" -ne 1 ]; then
			echo "# the campaign exited $camp_rc, not 1" >>"$out/camp.log"
			tap_result fail "$name campaign exit status $camp_rc" "$out/camp.log"
		elif [ -n "$camp_caught" ]; then
			tap_result ok "$name caught by the campaign ($camp_caught)"
			# its repro.sh replays it (exit 1: reproduced)
			fid=$(grep '^  F[0-9]' "$out/camp.log" | grep -v ' known KI-' |
				grep -F -- "${camp_caught#*: }" | awk '{print $1}' | head -n1)
			rp="$out/camp/findings/$fid/repro.sh"
			if [ -n "$rp" ] && ! "$rp" >"$out/log" 2>&1 && grep -q '^reproduced' "$out/log"; then
				tap_result ok "$name finding replayed by $(basename "$(dirname "$rp")")/repro.sh"
			else
				tap_result fail "$name repro.sh did not reproduce" "$out/log"
			fi
		else
			tap_result fail "$name not caught by the campaign" "$out/camp.log"
		fi
		# bounded: a --duration campaign on a mutant that never lets go of
		# the CPU ends within its duration plus the stated bound (30 s),
		# reports the soft lockup, exits 1
		if grep -q '^bounded: *yes' "$m"; then
			rm -rf "$out/camp"
			t0=$(date +%s)
			timeout 300 "$(dirname "$mbin")"/vfio-ap-stress --host sim --duration 10 --seed 1 --deterministic random \
				--quiet --results "$out/camp" >"$out/camp.log" 2>&1
			st=$? secs=$(($(date +%s) - t0))
			if [ $st -eq 1 ] && [ $secs -le 45 ] && grep -q 'soft lockup' "$out/camp/summary.json"; then
				tap_result ok "$name a 10 s campaign ended in $secs s (bound 10 + 30 s + start-up), soft lockup reported, exit 1"
			else
				echo "# exit $st after $secs s" >>"$out/camp.log"
				tap_result fail "$name bounded campaign" "$out/camp.log"
			fi
		fi
		# control: the same steps without the fault must run clean on the
		# mutant (the bug is on the error path alone)
		ctl=$(sed -n 's/^control: *//p' "$m")
		if [ -n "$ctl" ]; then
			if timeout 120 "$mbin" --script "$top/driver/mutants/$ctl" >"$out/log" 2>&1; then
				tap_result ok "$name not flagged without the fault ($ctl)"
			else
				tap_result fail "$name flagged without the fault ($ctl)" "$out/log"
			fi
		fi
		# nodeadlock: under the deterministic scheduler, a seed whose run
		# does not deadlock still reports the inversion; its replay is
		# identical
		nd=$(sed -n 's/^nodeadlock: *//p' "$m")
		if [ -n "$nd" ]; then
			found=
			for seed in $(seq 1 30); do
				printf 'log\n' | cat "$top/driver/mutants/$nd" - |
					timeout 120 "$mbin" --sched random --seed "$seed" >"$out/nd.1" 2>&1
				# the chain joins a dependency the background thread saw
				if [ $? -eq 1 ] && grep -q 'possible circular locking dependency' "$out/nd.1" &&
					grep -q ' by bg-write/' "$out/nd.1" &&
					! grep -q 'INFO: task hung\|blocked for ever' "$out/nd.1"; then
					found=$seed
					break
				fi
			done
			if [ -n "$found" ]; then
				printf 'log\n' | cat "$top/driver/mutants/$nd" - |
					timeout 120 "$mbin" --sched random --seed "$found" >"$out/nd.2" 2>&1
				if cmp -s "$out/nd.1" "$out/nd.2"; then
					tap_result ok "$name two threads, no deadlock (--sched random --seed $found): circular dependency across threads reported, replay identical"
				else
					diff "$out/nd.1" "$out/nd.2" >"$out/log"
					tap_result fail "$name replay of --seed $found differs" "$out/log"
				fi
			else
				tap_result fail "$name: no seed of 1..30 ran $nd without deadlock and with the report" "$out/nd.1"
			fi
		fi
	done
}
[ $# -eq 0 ] || tap_jobs mutants_of "$@"
tap_end
