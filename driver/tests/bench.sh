#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: figures of the simulated host, each the median of 5 runs,
# and ratios between figures taken in this same run (never absolute
# thresholds: the machine varies, the ratios are what to compare).
set -euo pipefail
bench=${1:?usage: bench.sh VFIO-AP-BENCH [TREE]}
tree=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=5
# BENCH_OPS: sysfs stores a figure (a 6.12+ unassign resets its queues
# and waits for the reset in virtual time: fewer there)
ops=${BENCH_OPS:-400000}

# the median of the numbers on standard input
med() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# median of the value printed for KEY by RUNS runs of the given command
median() {
	local key=$1
	shift
	local i v vals=()
	for ((i = 0; i < runs; i++)); do
		v=$("$@" | awk -v k="$key" '$1 == k { print $2 }') && [ -n "$v" ] ||
			{ echo "bench: '$*' failed" >&2; exit 1; }
		vals+=("$v")
	done
	printf '%s\n' "${vals[@]}" | med
}

echo "# vfio-ap-stress bench: kernel $("${bench%-bench}-sim" --version), $(nproc) CPUs, median of $runs runs"
one=$(median ops_per_second "$bench" ops 1 $ops 4x16)
two=$(median ops_per_second "$bench" ops 2 $ops 4x16)
big=$(median ops_per_second "$bench" ops 1 $ops 256x256)
nold=$(median ops_per_second "$bench" ops 1 $ops 4x16 nolockdep)
printf 'sysfs stores/s, 1 thread, 4x16:          %10.0f\n' "$one"
printf 'sysfs stores/s, 2 threads, 4x16:         %10.0f  (ratio to 1 thread %.2f)\n' "$two" \
	"$(awk -v a="$two" -v b="$one" 'BEGIN { print a / b }')"
printf 'sysfs stores/s, 1 thread, 256x256:       %10.0f  (ratio to 4x16 %.2f)\n' "$big" \
	"$(awk -v a="$big" -v b="$one" 'BEGIN { print a / b }')"
printf 'sysfs stores/s, 1 thread, no validator:  %10.0f  (validator overhead: with/without %.2f)\n' "$nold" \
	"$(awk -v a="$one" -v b="$nold" 'BEGIN { print a / b }')"
for cfg in 4x16 256x256; do
	secs=$(median boot_seconds "$bench" boot "$cfg")
	kib=$(median peak_rss_kib "$bench" boot "$cfg")
	printf 'host start-up %-8s (all queues bound): %7.3f s, peak RSS %7d KiB\n' "$cfg" "$secs" "$kib"
done
rnd=$(median schedules_per_second "$bench" sched random 2 $((ops / 4)))
rsw=$(median switches_per_second "$bench" sched random 2 $((ops / 4)))
rops=$(median ops_per_second "$bench" sched random 2 $((ops / 4)))
pct=$(median schedules_per_second "$bench" sched pct 2 $((ops / 4)))
printf 'deterministic, random walk: %10.0f scheduling points/s, %9.0f switches/s; stores/s %.2f of 2 threads\n' \
	"$rnd" "$rsw" "$(awk -v a="$rops" -v b="$two" 'BEGIN { print a / b }')"
printf 'deterministic, PCT (d=3):   %10.0f scheduling points/s\n' "$pct"
# the same with the tasks on threads of their own, handing a token over
# condition variables (SIM_SCHED_HANDOVER=threads, the mode's first form)
hsw=$(median switches_per_second env SIM_SCHED_HANDOVER=threads "$bench" sched random 2 $((ops / 40)))
hops=$(median ops_per_second env SIM_SCHED_HANDOVER=threads "$bench" sched random 2 $((ops / 40)))
printf 'deterministic, thread hand-over: %9.0f switches/s, stores/s %.2f of 2 threads; context switches / hand-over: switches %.1fx, stores %.1fx\n' \
	"$hsw" "$(awk -v a="$hops" -v b="$two" 'BEGIN { print a / b }')" \
	"$(awk -v a="$rsw" -v b="$hsw" 'BEGIN { print a / b }')" "$(awk -v a="$rops" -v b="$hops" 'BEGIN { print a / b }')"

# Median time from start to exit of each mutant's workload (the finding is
# reported on the way; missing unlocks end by the hung-task deadline).
[ -n "$tree" ] || exit 0
echo "# mutants of kernel $("$top/scripts/ksrc.sh" version "$tree"): median time to catch, $runs runs"
for m in "$top"/driver/mutants/*.mut; do
	# a mutant only another architecture shows (arch: s390x) is timed
	# by make check under qemu, not here
	march=$(sed -n 's/^arch: *//p' "$m")
	if [ -n "$march" ] && [ "$march" != "$(uname -m)" ]; then
		printf '%-20s %s\n' "$(basename "$m" .mut)" "($march only: not timed here)"
		continue
	fi
	mbin=$("$top/driver/mutants/build.sh" "$tree" "$m" 2>/dev/null) || continue
	wl="$top/driver/mutants/$(sed -n 's/^workload: *//p' "$m")"
	vals=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		timeout 120 "$mbin" --script "$wl" >/dev/null 2>&1 && { echo "bench: mutant $(basename "$m") not caught" >&2; exit 1; }
		vals+=($((($(date +%s%N) - t0) / 1000000)))
	done
	printf '%-20s %6d ms\n' "$(basename "$m" .mut)" \
		"$(printf '%s\n' "${vals[@]}" | med)"
done

# The stress engine (vfio-ap-stress) of the same build: operations per
# second of case time (the host's boot and teardown included), threads and
# deterministic, and the cost of one operation on a large host.
st="${bench%-bench}-stress"
[ -x "$st" ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# ops/s of a campaign: the summary's own figure
camp_ops() {
	local tool=$st
	[ "$1" = --tool ] && { tool=$2; shift 2; }
	rm -rf "$tmp/c"
	"$tool" --quiet --results "$tmp/c" "$@" >/dev/null 2>&1 || true	# exit 1 (findings) still has its figures
	perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
		printf "%.1f %.1f\n", $s->{ops_per_second},
			$s->{operations} / (($s->{operations} / $s->{ops_per_second}) - $s->{oracle_seconds})' \
		<"$tmp/c/summary.json"
}
echo "# stress engine: $runs seeds of 4000 operations each, 2 worker threads"
read -r s2 s2x < <(camp_ops --seeds $runs --ops 4000 --threads 2)
read -r sd sdx < <(camp_ops --seeds $runs --ops 4000 --threads 2 --deterministic random)
read -r sh shx < <(SIM_SCHED_HANDOVER=threads camp_ops --seeds $runs --ops 4000 --threads 2 --deterministic random)
read -r sb sbx < <(camp_ops --seeds 2 --ops 2000 --threads 2 --config 256x256)
printf 'stress ops/s, 2 threads, 4x16:              %8.0f  (%.1f us an operation; %.0f/s without the oracle rounds)\n' \
	"$s2" "$(awk -v a="$s2" 'BEGIN { print 1e6 / a }')" "$s2x"
printf 'stress ops/s, deterministic (random), 4x16:  %8.0f  (ratio to threads %.2f)\n' "$sd" \
	"$(awk -v a="$sd" -v b="$s2" 'BEGIN { print a / b }')"
printf 'stress ops/s, deterministic, thread hand-over: %5.0f  (ratio to threads %.2f; context switches / hand-over %.1fx)\n' "$sh" \
	"$(awk -v a="$sh" -v b="$s2" 'BEGIN { print a / b }')" "$(awk -v a="$sd" -v b="$sh" 'BEGIN { print a / b }')"
printf 'stress ops/s, 2 threads, 256x256:           %8.0f  (an operation costs %.1fx the 4x16 one; without the oracle rounds %.1fx)\n' \
	"$sb" "$(awk -v a="$sb" -v b="$s2" 'BEGIN { print b / a }')" "$(awk -v a="$sbx" -v b="$s2x" 'BEGIN { print b / a }')"
# what the sanitizers cost the main job (it runs the ASan+UBSan build)
if [ -n "${BENCH_SAN_STRESS:-}" ] && [ -x "$BENCH_SAN_STRESS" ]; then
	read -r ss ssx < <(camp_ops --tool "$BENCH_SAN_STRESS" --seeds $runs --ops 4000 --threads 2 --deterministic random)
	printf 'stress ops/s, deterministic, ASan+UBSan:    %8.0f  (sanitized/plain %.2f)\n' "$ss" \
		"$(awk -v a="$ss" -v b="$sd" 'BEGIN { print a / b }')"
	# the uninitialized-memory detector (pattern-initialised locals,
	# poisoned allocations, the bitmap checks): the same build without it
	if [ -n "${BENCH_NOUNINIT_STRESS:-}" ] && [ -x "$BENCH_NOUNINIT_STRESS" ]; then
		read -r sn snx < <(camp_ops --tool "$BENCH_NOUNINIT_STRESS" --seeds $runs --ops 4000 --threads 2 --deterministic random)
		printf 'stress ops/s, deterministic, ASan+UBSan without the uninit detector: %8.0f  (with/without %.2f)\n' "$sn" \
			"$(awk -v a="$ss" -v b="$sn" 'BEGIN { print a / b }')"
	fi
	# the lockset detector (every driver load and store called out and
	# shadowed): the same build without it, and the same binary with it
	# switched off at run time (the calls stay, the shadow goes)
	if [ -n "${BENCH_NORACE_STRESS:-}" ] && [ -x "$BENCH_NORACE_STRESS" ]; then
		read -r sr srx < <(camp_ops --tool "$BENCH_NORACE_STRESS" --seeds $runs --ops 4000 --threads 2 --deterministic random)
		read -r so sox < <(SIM_LOCKSET=0 camp_ops --tool "$BENCH_SAN_STRESS" --seeds $runs --ops 4000 --threads 2 --deterministic random)
		printf 'stress ops/s, deterministic, ASan+UBSan without the lockset detector: %8.0f  (with/without %.2f; switched off, SIM_LOCKSET=0: %.0f, with/off %.2f)\n' \
			"$sr" "$(awk -v a="$ss" -v b="$sr" 'BEGIN { print a / b }')" "$so" \
			"$(awk -v a="$ss" -v b="$so" 'BEGIN { print a / b }')"
	fi
fi

# the guest's view (s390x builds only: the campaign under qemu), with and
# without its check of GR1 (SIM_GUEST_VIEW=0)
if [ -n "${BENCH_S390X_STRESS:-}" ] && [ -x "$BENCH_S390X_STRESS" ]; then
	read -r xg xgx < <(camp_ops --tool "$BENCH_S390X_STRESS" --seeds 2 --ops 2000 --threads 2 --deterministic random)
	read -r xn xnx < <(SIM_GUEST_VIEW=0 camp_ops --tool "$BENCH_S390X_STRESS" --seeds 2 --ops 2000 --threads 2 --deterministic random)
	printf 'stress ops/s, deterministic, s390x under qemu, with / without the guest view check: %6.0f / %.0f  (%.2f)\n' \
		"$xg" "$xn" "$(awk -v a="$xg" -v b="$xn" 'BEGIN { print a / b }')"
fi

# How the driver's coverage grows with a default campaign's time (make
# run's build and settings: sanitized, counting, deterministic), each
# duration its own run from seed 1 (BENCH_COV_TIMES: the durations).
if [ -n "${BENCH_COV_STRESS:-}" ] && [ -x "$BENCH_COV_STRESS" ]; then
	echo "# driver coverage of a default stress campaign over time (vfio_ap_ops.c)"
	for secs in ${BENCH_COV_TIMES:-10 30 120}; do
		rm -rf "$tmp/cov"
		"$BENCH_COV_STRESS" --quiet --coverage --seed 1 --duration "$secs" --deterministic random \
			--results "$tmp/cov" >/dev/null 2>&1 || true
		perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
			my $t = $s->{coverage}{"vfio_ap_ops.c"} or exit 1;
			printf "coverage after %4d s: %5.1f%% of lines (%d of %d), %d of %d functions, %5.1f%% of branches; %d cases\n",
				$ARGV[0], 100 * $t->{lines_hit} / $t->{lines}, $t->{lines_hit}, $t->{lines},
				$t->{functions_hit}, $t->{functions}, 100 * $t->{branches_hit} / ($t->{branches} || 1),
				$s->{cases}' "$secs" <"$tmp/cov/summary.json" ||
			echo "coverage after $secs s: no coverage.json"
	done
	# guided (a fresh corpus) against unguided, the same time each, side
	# by side (one core each), from two seeds far apart
	# (BENCH_GUIDED_TIME seconds, 60)
	gt=${BENCH_GUIDED_TIME:-60}
	for seed in 1 100001; do
		for mode in unguided guided; do
			rm -rf "$tmp/g-$mode-$seed" "$tmp/corpus-$seed"
			# shellcheck disable=SC2046
			"$BENCH_COV_STRESS" --quiet --coverage --seed $seed --duration "$gt" --deterministic random \
				$([ $mode = guided ] && echo --corpus "$tmp/corpus-$seed") --results "$tmp/g-$mode-$seed" \
				>/dev/null 2>&1 &
		done
		wait
	done
	perl -MJSON::PP -e 'sub rd { open(my $f, "<", $_[0]) or return {}; local $/; decode_json(<$f>) }
		my $gt = shift;
		for my $seed (@ARGV) {
			my ($u, $g) = (rd("'"$tmp"'/g-unguided-$seed/summary.json"), rd("'"$tmp"'/g-guided-$seed/summary.json"));
			my ($ul, $gl) = map { $_->{coverage}{"vfio_ap_ops.c"}{lines_hit} || 0 } $u, $g;
			my ($ub, $gb) = map { $_->{coverage}{"vfio_ap_ops.c"}{branches_hit} || 0 } $u, $g;
			my ($ue, $ge) = map { $_->{edges}{edges} || 0 } $u, $g;
			exit 1 unless $ue && $ge;
			printf "guided vs unguided, seed %d, %d s each: driver edges %d vs %d (%.3f), lines %d vs %d (%.3f), branches %d vs %d (%.3f); %d vs %d cases, %d kept in the corpus\n",
				$seed, $gt, $ge, $ue, $ge / $ue, $gl, $ul, $gl / ($ul || 1), $gb, $ub, $gb / ($ub || 1),
				$g->{cases}, $u->{cases}, $g->{edges}{corpus_entries};
			my $m = $g->{edges}{mix} || {};
			printf "  the mix it learned (weight over the default): %s\n",
				join(", ", map { sprintf "%s %.2f", $_, $m->{$_} } sort { $m->{$b} <=> $m->{$a} } keys %$m);
		}' "$gt" 1 100001 ||
		echo "guided vs unguided: no edge counts (a COV=1 build counts them)"
fi

# The known bugs' toll, with and without the fixes of driver/fixes/ (make
# run's build: sanitized, counting; deterministic, unguided), the same
# time each from the same seed, side by side: the cases that end in a
# known bug (a crash the matcher names), operations per case, and the
# driver's coverage reached in that time (BENCH_FIXES_TIME seconds, 60).
if [ -n "${BENCH_COV_STRESS:-}" ] && [ -x "$BENCH_COV_STRESS" ] &&
	[ -n "${BENCH_FIXED_STRESS:-}" ] && [ -x "$BENCH_FIXED_STRESS" ]; then
	ft=${BENCH_FIXES_TIME:-60}
	echo "# known bugs with and without the fixes ($("$(dirname "$BENCH_FIXED_STRESS")/vfio-ap-sim" --fixes | cut -d' ' -f1 | sort -u -t- -k2n | paste -sd' ')): $ft s each, seed 1"
	for mode in unfixed fixed; do
		tool=$BENCH_COV_STRESS
		[ $mode = fixed ] && tool=$BENCH_FIXED_STRESS
		rm -rf "$tmp/f-$mode"
		"$tool" --quiet --coverage --seed 1 --duration "$ft" --deterministic random \
			--results "$tmp/f-$mode" >/dev/null 2>&1 &
	done
	wait
	perl -MJSON::PP -e 'sub rd { open(my $f, "<", $_[0]) or return {}; local $/; decode_json(<$f>) }
		my ($dir, $secs) = @ARGV;
		for my $mode ("unfixed", "fixed") {
			my $s = rd("$dir/f-$mode/summary.json");
			my ($n, $dead, %by) = (0, 0);
			for my $p (glob("$dir/f-$mode/cases/*.json")) {
				my $c = rd($p);
				$n++;
				next unless ($c->{status} || "") eq "crash" && $c->{crash} && $c->{crash}{known};
				$dead++;
				$by{$c->{crash}{known}}++;
			}
			my $t = $s->{coverage}{"vfio_ap_ops.c"} || {};
			printf "%-7s: %4d cases, %4d ending in a known bug (%4.1f%%%s), %6.0f operations a case, %5.1f%% of vfio_ap_ops.c lines in %d s\n",
				$mode, $n, $dead, $n ? 100 * $dead / $n : 0,
				%by ? ": " . join(", ", map { "$_ $by{$_}" } sort keys %by) : "",
				$n ? ($s->{operations} || 0) / $n : 0,
				$t->{lines} ? 100 * $t->{lines_hit} / $t->{lines} : 0, $secs;
		}' "$tmp" "$ft"
fi

# Each mutant under the stress campaign (its campaign-fault, if any), seeds
# 1..runs, deterministic: the median time and operations to the first
# finding that is not a known driver bug (round granularity: 50 operations
# a worker; a case that dies counts its whole time).
[ -n "$tree" ] || exit 0
echo "# mutants under vfio-ap-stress (deterministic, seeds 1..$runs): median to the first finding"
for m in "$top"/driver/mutants/*.mut; do
	mbin=$("$top/driver/mutants/build.sh" "$tree" "$m" 2>/dev/null) || continue
	mst="$(dirname "$mbin")/vfio-ap-stress"
	fault=$(sed -n 's/^campaign-fault: *//p' "$m")
	ts=() os=() caught=0
	for ((i = 1; i <= runs; i++)); do
		rm -rf "$tmp/m"
		"$mst" --quiet --seed $i --ops 4000 --deterministic random ${fault:+--fault "$fault"} \
			--results "$tmp/m" >/dev/null 2>&1 || true	# exit 1: findings
		r=$(perl -MJSON::PP -e '
			local $/; my $c = decode_json(<STDIN>);
			my @u = grep { !defined $_->{known} } @{$c->{findings} || []};
			exit 1 unless @u || @{$c->{unexpected} || []};
			for my $p (@{$c->{timeline} || []}) {
				if ($p->[2] > 0) { printf "%.0f %d\n", $p->[0] * 1000, $p->[1]; exit 0 }
			}
			printf "%.0f -\n", $c->{seconds} * 1000;' <"$tmp"/m/cases/stress-s$i.json) || continue
		caught=$((caught + 1))
		ts+=("${r% *}")
		os+=("${r#* }")
	done
	if [ $caught -eq 0 ]; then
		printf '%-20s not caught by the stress campaign%s\n' "$(basename "$m" .mut)" \
			"${fault:+ (fault $fault)}"
		continue
	fi
	# a case that died has no operation count (its host hung or crashed)
	ops_med=$(printf '%s\n' "${os[@]}" | { grep -v -- - || true; } | med)
	printf '%-20s %d/%d seeds, median %6d ms, %s operations%s\n' "$(basename "$m" .mut)" "$caught" "$runs" \
		"$(printf '%s\n' "${ts[@]}" | med)" "${ops_med:-(the host died:) -}" \
		"${fault:+ (fault $fault)}"
done
