#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every scenario script (*.vas) beside this file against each given
# vfio-ap-sim binary, and the command-line checks; prints TAP and ends with
# "N passed, N failed, N skipped".  A script may start with
# "# requires: X.Y" (kernel >= X.Y) or "# requires: <X.Y", and
# "# sim: OPTIONS" (options of its own, such as a fixed schedule).
#
#   run.sh BIN... [--mutants TREE...]
#
# With --mutants, every mutant of driver/mutants/ is applied to a copy of
# each TREE's driver, built, and run on its workload: the expected finding
# must be reported (and the same workload runs clean on the unmutated BINs).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bins=() trees=()
while [ $# -gt 0 ]; do
	if [ "$1" = --mutants ]; then
		shift
		trees=("$@")
		break
	fi
	bins+=("$1")
	shift
done
here=$(cd "$(dirname "$0")" && pwd)
. "$top/scripts/tap.sh"
out=$(mktemp -d)
trap 'rm -rf "$out" "$tap_log"' EXIT

# vercmp_ge, script_on, run_script
. "$here/lib.sh"

# where the time goes: a TAP comment per section
t_last=$SECONDS
elapsed() {
	echo "# time: $1: $((SECONDS - t_last)) s"
	t_last=$SECONDS
}

for bin in "${bins[@]}"; do
	kver=$("$bin" --version)
	label="$kver$(case $bin in *-san/*) echo ' asan+ubsan';; *-s390x/*) echo ' s390x (qemu)';; esac)"
	for t in "$here"/*.vas; do
		run_script "$bin" "$kver" "$label $(basename "$t" .vas)" "$t"
	done
	# the shim families beyond the driver's call sites (built natively)
	if [ -x "$(dirname "$bin")/shim-families" ] && [[ $bin != *-s390x/* ]]; then
		if "$(dirname "$bin")/shim-families" >"$out/log" 2>&1; then
			tap_result ok "$label shim families: $(tail -n1 "$out/log")"
		else
			tap_result fail "$label shim families" "$out/log"
		fi
	fi
	# the mutants' workloads must run clean on the unmutated driver
	for t in "$top"/driver/mutants/*.vas; do
		run_script "$bin" "$kver" "$label unmutated workload $(basename "$t" .vas)" "$t"
	done
	# known bugs that end the run (a crash, a sanitizer's abort): the
	# report must come, and be named as the known bug by its own report
	# (--identify, as a campaign names a dead case's crash); a plain
	# build is asked only where its poisoned memory makes the bug fault
	# (no "# plain: skip")
	for t in "$top"/driver/known/*.vas; do
		[ -e "$t" ] || continue
		name="$label known bug $(basename "$t" .vas)"
		req=$(sed -n 's/^# requires: *//p' "$t" | head -n1)
		case $req in
		"<"*) vercmp_ge "$kver" "${req#<}" && { tap_result skip "$name" "kernel $kver"; continue; } ;;
		?*) vercmp_ge "$kver" "$req" || { tap_result skip "$name" "kernel $kver"; continue; } ;;
		esac
		# on a driver with its fix: the steps run clean
		if "$bin" --fixes | grep -q "^$(sed -n 's/^# known: *//p' "$t" | head -n1) "; then
			run_script "$bin" "$kver" "$name (fixed: runs clean)" "$t"
			continue
		fi
		san=
		case $bin in
		*-san/*) san=1 ;;
		*-s390x/*) tap_result skip "$name" "the oops handler names faults on x86 only"; continue ;;
		*) grep -q '^# plain: skip' "$t" && { tap_result skip "$name" "undefined behaviour without the sanitizers"; continue; } ;;
		esac
		timeout 120 "$bin" --script "$t" >"$out/log" 2>&1
		st=$?
		# every "# expect: TEXT" line of the script must show in its
		# output (sanitized builds), and the crash be the known bug
		missing=
		if [ -n "$san" ]; then
			while IFS= read -r e; do
				grep -qF -- "$e" "$out/log" || missing="$missing [$e]"
			done < <(sed -n 's/^# expect: *//p' "$t")
		fi
		want=$(sed -n 's/^# known: *//p' "$t" | head -n1)
		"$bin" --identify "$out/log" >"$out/id" 2>&1
		id=$(sed -n '$p' "$out/id")
		if [ $st -ne 0 ] && [ -z "$missing" ] && [ -n "$want" ] && [ "${id%%:*}" = "$want" ]; then
			tap_result ok "$name: $id"
		else
			echo "# exit status $st; missing:$missing; identified: $id; want $want" >>"$out/log"
			tap_result fail "$name: the known report did not show" "$out/log"
		fi
	done
	# the matcher: each saved report named as its file for this kernel
	# says (driver/tests/identify/), the look-alikes new
	kmm=$(echo "$kver" | cut -d. -f1,2)
	: >"$out/log"
	bad=
	for f in "$here"/identify/*.txt; do
		[ -e "${f%.txt}.$kmm" ] || continue
		"$bin" --identify "$f" >"$out/id" 2>&1
		# a known issue the driver carries the fix of is excused no more
		cp "${f%.txt}.$kmm" "$out/want"
		for id in $("$bin" --fixes | cut -d' ' -f1); do
			sed -i "s/^$id: /new: /" "$out/want"
		done
		cmp -s "$out/id" "$out/want" || { bad="$bad $(basename "$f")"; diff "$out/want" "$out/id" >>"$out/log"; }
	done
	if [ -z "$bad" ]; then
		tap_result ok "$label known-issue matcher: $(ls "$here"/identify/*."$kmm" 2>/dev/null | wc -l) saved reports named as expected, look-alikes new"
	else
		tap_result fail "$label known-issue matcher:$bad" "$out/log"
	fi
	# command line: bad input gives one line and exit status 2
	for args in "--config 4y16" "--config 0x16" "--config 300x1" "--script /nonexistent" "--bogus"; do
		# shellcheck disable=SC2086
		"$bin" $args </dev/null >"$out/log" 2>&1
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$out/log")" -le 3 ]; then
			tap_result ok "$label cli '$args' exits 2"
		else
			echo "# exit status $rc" >>"$out/log"
			tap_result fail "$label cli '$args' exits 2" "$out/log"
		fi
	done
	printf 'read /nonexistent\nfrobnicate\n' | "$bin" >"$out/log" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'line 2' "$out/log" && grep -q 'error: ENOENT (2)' "$out/log"; then
		tap_result ok "$label script error names its line"
	else
		tap_result fail "$label script error names its line" "$out/log"
	fi
	# deterministic mode: the same seed twice gives the same run, byte for
	# byte (kernel log, findings, schedule digest); another seed another
	# schedule
	for pol in random pct; do
		name="$label replay --sched $pol: same seed, identical output"
		i=0
		for seed in 42 42 43; do
			i=$((i + 1))
			# the workload, then the whole kernel log
			printf 'log\n' | cat "$top/driver/mutants/two-thread-assign.vas" - |
				"$bin" --sched $pol --seed $seed >"$out/replay.$i" 2>&1
		done
		d1=$(grep -o 'digest [0-9a-f]*' "$out/replay.1") d3=$(grep -o 'digest [0-9a-f]*' "$out/replay.3")
		if cmp -s "$out/replay.1" "$out/replay.2" && [ -n "$d1" ] && [ "$d1" != "$d3" ]; then
			tap_result ok "$name ($(grep -o '[0-9]* switches' "$out/replay.1")); another seed, another schedule"
		else
			{ diff "$out/replay.1" "$out/replay.2"; echo "seed 42: $d1, seed 43: $d3"; } >"$out/log" 2>&1
			tap_result fail "$name" "$out/log"
		fi
		# the tasks as threads handing a token over (the mode's first
		# form): the same schedule and run as the context switches'
		printf 'log\n' | cat "$top/driver/mutants/two-thread-assign.vas" - |
			SIM_SCHED_HANDOVER=threads "$bin" --sched $pol --seed 42 >"$out/replay.4" 2>&1
		if cmp -s "$out/replay.1" "$out/replay.4"; then
			tap_result ok "$label --sched $pol: context switches and thread hand-over, the same run"
		else
			diff "$out/replay.1" "$out/replay.4" >"$out/log" 2>&1
			tap_result fail "$label --sched $pol: context switches and thread hand-over differ" "$out/log"
		fi
	done
	printf 'write /sys/bus/ap/apmask -1\n? error EBUSY\n' | "$bin" >"$out/log" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'FAIL line 2' "$out/log"; then
		tap_result ok "$label failed assertion exits 1"
	else
		tap_result fail "$label failed assertion exits 1" "$out/log"
	fi
done
elapsed "the scenarios, per binary"
# Each mutant must be caught, with the kind of finding it expects.
# A mutant that spins (spin-loop) is reported after 5 s, not the default
# 20 (here and in the selftests against the mutants below).
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
		for tool in "vfio-ap-stress --seed 1 --seeds 4 --ops 2000${cf:+ --fault $cf}" \
			"vfio-ap-fault --campaign fail-nth"; do
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
			timeout 300 "$(dirname "$mbin")"/vfio-ap-stress --duration 10 --seed 1 --deterministic random \
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
[ ${#trees[@]} -eq 0 ] || tap_jobs mutants_of "${trees[@]}"
elapsed "the mutants"
# The campaign tools on the unmutated drivers (plain builds): clean but for
# known driver bugs; shards that join to the unsharded run; results that
# parse (summary.json) and validate (junit.xml against campaign/junit.xsd).
for bin in "${bins[@]}"; do
	d=$(dirname "$bin")
	# the campaigns run sanitized, as make run does
	[ -x "$d/vfio-ap-stress" ] && [[ $d == *-san/* ]] || continue
	kv=$("$bin" --version)
	rm -rf "$out/c"
	# a case that finds something and then dies keeps both, and its
	# operation count (6.1: a lock cycle and a WARN, then KI-6's
	# use-after-free; which seeds do depends on the engine's programs,
	# so the first of 12 that does)
	if [[ $kv == 6.1.* ]] && "$bin" --fixes | grep -q '^KI-6 '; then
		tap_result skip "$kv a case that dies keeps what it found before" "the driver carries KI-6's fix: nothing dies"
	elif [[ $kv == 6.1.* ]]; then
		"$d/vfio-ap-fault" --campaign ap-response --only zapq-checkstopped --seed 1 --seeds 12 \
			--deterministic random --quiet --results "$out/c/dead" >"$out/log" 2>&1
		if perl -MJSON::PP -e 'for my $p (glob("$ARGV[0]/cases/ap-zapq-checkstopped-s*.json")) {
			open(my $h, "<", $p) or next; local $/; my $c = decode_json(<$h>); my @f = @{$c->{findings}};
			if ($c->{status} eq "crash" && $c->{operations} > 0 && $c->{crash}{known} eq "KI-6" &&
			    (grep { $_->{title} =~ /^WARNING/ } @f) && (grep { $_->{title} =~ /heap-use-after-free/ } @f)) {
				print STDERR "$p\n"; exit 0 } }
			exit 1' "$out/c/dead" 2>>"$out/log"; then
			tap_result ok "$kv a case that dies keeps what it found before (WARNINGs, then KI-6), and its operations ($(basename "$(tail -n1 "$out/log")" .json))"
		else
			tap_result fail "$kv a dead case lost its findings" "$out/log"
		fi
	fi
	"$d/vfio-ap-stress" --seed 1 --seeds 4 --ops 800 --deterministic random --results "$out/c/all" >"$out/log" 2>&1
	if [ $? -eq 0 ]; then
		tap_result ok "$kv campaign: 4 seeds clean but for known driver bugs"
	else
		tap_result fail "$kv campaign: findings on the unmutated driver" "$out/log"
	fi
	ok=1
	for i in 0 1 2 3; do
		"$d/vfio-ap-stress" --seed 1 --seeds 4 --ops 800 --deterministic random --shard $i/4 \
			--quiet --results "$out/c/s$i" >/dev/null 2>&1
		[ $? -le 1 ] || ok=
	done
	"$d/vfio-ap-stress" merge --results "$out/c/merged" "$out"/c/s{0,1,2,3} >"$out/c/merged.log" 2>&1
	(cd "$out/c/all/cases" && ls) >"$out/c/a.ls"; (cd "$out/c/merged/cases" && ls) >"$out/c/m.ls"
	grep '^  F' "$out/log" >"$out/c/a.f"; grep '^  F' "$out/c/merged.log" >"$out/c/m.f"
	if [ -n "$ok" ] && cmp -s "$out/c/a.ls" "$out/c/m.ls" && cmp -s "$out/c/a.f" "$out/c/m.f"; then
		tap_result ok "$kv --shard 0/4..3/4 cover the unsharded seeds and their merge has its findings"
	else
		diff "$out/c/a.ls" "$out/c/m.ls" >"$out/c/d"; diff "$out/c/a.f" "$out/c/m.f" >>"$out/c/d"
		tap_result fail "$kv shards differ from the unsharded run" "$out/c/d"
	fi
	if perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>); exit !($s->{schema} == 1 && $s->{cases} == 4)' \
		<"$out/c/merged/summary.json" &&
		xmllint --noout --schema "$top/campaign/junit.xsd" "$out/c/merged/junit.xml" >"$out/log" 2>&1 &&
		[ -s "$out/c/merged/report.html" ] && grep -q '^1\.\.4$' "$out/c/merged/tap.txt"; then
		tap_result ok "$kv results: summary.json parses, junit.xml valid (campaign/junit.xsd), tap.txt, report.html"
	else
		tap_result fail "$kv results folder" "$out/log"
	fi
	# the same seed under the deterministic scheduler: the same case, byte
	# for byte (kernel log), with 4 workers
	for i in 1 2; do
		"$d/vfio-ap-stress" --seed 11 --threads 4 --ops 4000 --deterministic random --quiet \
			--results "$out/c/r$i" >/dev/null 2>&1
	done
	if [ -s "$out/c/r1/cases/stress-s11.log" ] && cmp -s "$out/c/r1/cases/stress-s11.log" "$out/c/r2/cases/stress-s11.log"; then
		tap_result ok "$kv campaign replay: seed 11 with 4 workers twice, the same kernel log ($(wc -l <"$out/c/r1/cases/stress-s11.log") lines)"
	else
		diff "$out/c/r1/cases/stress-s11.log" "$out/c/r2/cases/stress-s11.log" >"$out/log" 2>&1
		tap_result fail "$kv campaign replay differs" "$out/log"
	fi
	# the "fault" steps fail the next step's Nth fault site: the driver's
	# and its callees' allocations (failslab with ignore-gfp-wait off) and
	# the sim's fail_function points, in the worker's task and in the vCPU
	# it asks for a PQAP; a step that fails so is judged clean
	"$d/vfio-ap-stress" --seed 1 --seeds 2 --ops 1000 --deterministic random --quiet \
		--mix fault=40,create=12,bind=12,pqap=8,reload=4 --results "$out/c/fault" >"$out/log" 2>&1
	st=$?
	sites=$(cat "$out"/c/fault/cases/*.log 2>/dev/null | grep -o 'failslab: drivers/[^ ]*\|fail_function: [a-z_0-9]*' |
		sed 's/:[0-9]*$//' | sort -u | tr '\n' ' ')
	if [ $st -le 1 ] && grep -q 'drivers/s390/crypto/vfio_ap_ops.c' <<<"$sites" && grep -q 'fail_function' <<<"$sites" &&
		perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
			exit !($s->{per_operation}{fault}{done} > 0 && !grep { !defined $_->{known} } @{$s->{findings}})' \
			<"$out/c/fault/summary.json"; then
		tap_result ok "$kv per-step faults: sites failed in the driver and beyond ($(wc -w <<<"$sites") kinds), no finding but known ones"
	else
		echo "# exit $st; sites: $sites" >>"$out/log"
		tap_result fail "$kv per-step faults" "$out/log"
	fi
	# background load: stress-ng alongside, its metrics in the summary
	"$d/vfio-ap-stress" --seeds 1 --ops 400 --background-load --quiet --results "$out/c/bg" >"$out/log" 2>&1
	if [ $? -le 1 ] && perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
		exit !($s->{background_load} && $s->{background_load}{metrics} =~ /bogo-ops/)' <"$out/c/bg/summary.json"; then
		tap_result ok "$kv --background-load: stress-ng ran alongside, its metrics in summary.json"
	else
		tap_result fail "$kv --background-load" "$out/log"
	fi
	# bad input: one line naming the problem, exit status 2, nothing written
	bad_ok=1
	for a in "--coverage" "--shard 4/4" "--config 4x999" "--mix bogus=1" "--bogus" "--deterministic maybe" \
		"--ksrc /nonexistent" "--host linux" "--fault nope" "--duration 5x" "--seeds 0" \
		"--corpus $out/c/badcorpus" "--program /nonexistent" "--program $here/README.md"; do
		# shellcheck disable=SC2086
		"$d/vfio-ap-stress" $a --results "$out/c/bad" >"$out/log" 2>&1
		st=$?
		if [ $st -ne 2 ] || [ "$(wc -l <"$out/log")" -ne 1 ] || [ -e "$out/c/bad" ] || [ -e "$out/c/badcorpus" ]; then
			bad_ok=
			echo "# vfio-ap-stress $a: exit $st" >>"$out/c/badlog"
			cat "$out/log" >>"$out/c/badlog"
		fi
	done
	"$d/vfio-ap-fault" --campaign nope --results "$out/c/bad" >"$out/log" 2>&1
	[ $? -eq 2 ] && [ ! -e "$out/c/bad" ] || bad_ok=
	"$d/vfio-ap-stress" merge --results "$out/c/bad" /nonexistent >"$out/log" 2>&1
	[ $? -eq 2 ] && [ ! -e "$out/c/bad" ] || bad_ok=
	if [ -n "$bad_ok" ]; then
		tap_result ok "$kv campaign tools: bad options, values and folders get one line and exit 2, nothing written"
	else
		tap_result fail "$kv campaign tools: bad input" "$out/c/badlog"
	fi
	# driver coverage (the COV=1 build beside this one): counted, and the
	# shards' counts add up to the unsharded run's, line for line
	cd_="${d%/bin}-cov/bin"
	if [ -x "$cd_/vfio-ap-stress" ]; then
		rm -rf "$out/c/cov"*
		"$cd_/vfio-ap-stress" --seed 1 --seeds 2 --ops 400 --deterministic random --coverage --quiet \
			--results "$out/c/cov" >/dev/null 2>&1
		for i in 0 1; do
			"$cd_/vfio-ap-stress" --seed 1 --seeds 2 --ops 400 --deterministic random --coverage --quiet \
				--shard $i/2 --results "$out/c/cov$i" >/dev/null 2>&1
		done
		"$cd_/vfio-ap-stress" merge --results "$out/c/covm" "$out/c/cov0" "$out/c/cov1" >/dev/null 2>&1
		if perl -MJSON::PP -e 'local $/;
			sub rd { open(my $f, "<", $_[0]) or return; local $/; decode_json(<$f>) }
			my ($a, $m, $s) = (rd("$ARGV[0]/coverage.json"), rd("$ARGV[1]/coverage.json"), rd("$ARGV[0]/summary.json"));
			my $t = $s->{coverage}{"vfio_ap_ops.c"};
			exit 1 unless $a && $m && $t && $t->{lines_hit} > $t->{lines} / 2 && $t->{by_function}{vfio_ap_mdev_probe}{lines_hit};
			for my $f (keys %$a) { for my $l (keys %{$a->{$f}{lines}}) {
				exit 1 if $a->{$f}{lines}{$l} != $m->{$f}{lines}{$l} } }
			printf STDERR "%d of %d lines\n", $t->{lines_hit}, $t->{lines}' "$out/c/cov" "$out/c/covm" 2>"$out/log"; then
			tap_result ok "$kv --coverage: vfio_ap_ops.c $(cat "$out/log") reached, coverage.json; two shards merged count every line as the unsharded run"
		else
			tap_result fail "$kv --coverage" "$out/log"
		fi
		# guided: the cases that reached new edges kept in the corpus;
		# three entries replay (--program) to the same edges; a second
		# campaign on the same folder replays the entries first
		rm -rf "$out/c/g"*
		"$cd_/vfio-ap-stress" --seed 1 --seeds 6 --ops 400 --deterministic random --coverage --quiet \
			--corpus "$out/c/gcorpus" --results "$out/c/g1" >"$out/log" 2>&1
		gok=1 n=0
		for e in "$out/c/gcorpus"/*.json; do
			[ -e "$e" ] || { gok=; echo "# no corpus entry kept" >>"$out/log"; break; }
			[ $n -lt 3 ] || break
			n=$((n + 1))
			rm -rf "$out/c/grp"
			"$cd_/vfio-ap-stress" --program "$e" --deterministic random --quiet --results "$out/c/grp" >>"$out/log" 2>&1
			perl -MJSON::PP -e 'sub rd { open(my $f, "<", $_[0]) or return {}; local $/; decode_json(<$f>) }
				my ($e, $c) = (rd($ARGV[0]), rd((glob("$ARGV[1]/cases/*.json"))[0]));
				print STDERR "# $ARGV[0]: entry $e->{edge_hash} ($e->{edges}), replay $c->{edge_hash} ($c->{edges})\n";
				exit !($e->{edge_hash} && $e->{edge_hash} eq $c->{edge_hash})' "$e" "$out/c/grp" 2>>"$out/log" || gok=
		done
		# a derived case's argv names its program file, which exists
		perl -MJSON::PP -e 'my ($bad, $n) = (0, 0); for my $p (glob("$ARGV[0]/cases/*.json")) {
			open(my $h, "<", $p) or next; local $/; my @a = @{decode_json(<$h>)->{argv} || []};
			for my $i (0 .. $#a - 1) { next unless $a[$i] eq "--program"; $n++;
				if (!-f $a[$i + 1]) { print STDERR "# $p: no $a[$i + 1]\n"; $bad = 1 } } }
			print STDERR "# no derived case ran\n" unless $n;
			exit($bad || !$n)' "$out/c/g1" 2>>"$out/log" || gok=
		kept=$(ls "$out/c/gcorpus" | wc -l)
		"$cd_/vfio-ap-stress" --seed 100 --seeds 2 --ops 400 --deterministic random --coverage --quiet \
			--corpus "$out/c/gcorpus" --results "$out/c/g2" >>"$out/log" 2>&1
		perl -MJSON::PP -e 'local $/; exit !(decode_json(<STDIN>)->{origin} eq "loaded")' \
			<"$out/c/g2/cases/stress-s100.json" || { gok=; echo "# the second campaign did not start from the corpus" >>"$out/log"; }
		if [ -n "$gok" ]; then
			tap_result ok "$kv --corpus: $kept case(s) kept, $n replayed to the same driver edges, the corpus reloaded"
		else
			tap_result fail "$kv --corpus" "$out/log"
		fi
	fi
	"$d/vfio-ap-fault" --campaign fail-nth --deterministic random --quiet --results "$out/c/nth" >/dev/null 2>&1
	# every row there, and every problem a known driver bug's
	if [ $? -le 1 ] && perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
		my @r = @{$s->{fail_nth}};
		my $unknown = grep { !/\(known KI-[0-9]+\)/ } map { @{$_->{problems}} } @r;
		my $nosites = grep { !defined $_->{sites} } @r;
		exit((@r >= 20 && !$nosites && !$unknown) ? 0 : 1)' \
		<"$out/c/nth/summary.json"; then
		tap_result ok "$kv fail-nth sweep: $(perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>); my ($n, $c) = (0, 0); for (@{$s->{fail_nth}}) { $n += $_->{sites}; $c += $_->{clean} } print scalar(@{$s->{fail_nth}}), " operations, $n fault sites, $c clean failures, any other a known driver bug"' <"$out/c/nth/summary.json")"
	else
		tap_result fail "$kv fail-nth sweep" "$out/c/nth/summary.json"
	fi
done
elapsed "the campaign tools"
# The fixes of driver/fixes/, each proved on the trees it applies to
# (driver/fixes/check.sh): their results join these.
if [ ${#trees[@]} -gt 0 ]; then
	"$top/driver/fixes/check.sh" "${trees[@]}" >"$out/fx" 2>&1
	tap_fold "$out/fx"
fi
elapsed "the fixes"
# The kselftest programs (selftests/check.sh), on the same trees and
# mutants: their results join these.
if [ ${#trees[@]} -gt 0 ] && [ -x "$top/selftests/check.sh" ]; then
	"$top/selftests/check.sh" "${trees[@]}" --mutants "${trees[@]}" >"$out/st" 2>&1
	tap_fold "$out/st"
fi
elapsed "the selftests"
tap_end
