#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh BIN...: the campaign tools (vfio-ap-stress, vfio-ap-fault) and
# the results folder they write, on the unmutated drivers: for each
# sanitized vfio-ap-sim given, the tools beside it (and the COV=1 build
# beside that).  Clean but for known driver bugs; shards that join to the
# unsharded run; results that parse and validate (summary.json, junit.xml
# against junit.xsd, tap.txt, report.html); replays; per-step faults;
# coverage and the guided corpus; the fail-nth sweep; bad input.  The
# folders are judged by vfio-ap-verify (verify.c).  Prints TAP and ends
# with "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
export SIM_SOFTLOCKUP_SECS=${SIM_SOFTLOCKUP_SECS:-5}
# the sims given, whatever the machine or the caller's VFIO_AP_HOST (the
# cases' replays say --host sim)
export VFIO_AP_HOST=sim
for bin in "$@"; do
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
		if "$d/vfio-ap-verify" dead "$out/c/dead" 'ap-zapq-checkstopped-s*' KI-6 '^WARNING' heap-use-after-free \
			>"$out/dead" 2>>"$out/log"; then
			tap_result ok "$kv a case that dies keeps what it found before (WARNINGs, then KI-6), and its operations ($(head -n1 "$out/dead"))"
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
	if "$d/vfio-ap-verify" summary "$out/c/merged" 4 2>"$out/log" &&
		xmllint --noout --schema "$here/junit.xsd" "$out/c/merged/junit.xml" >>"$out/log" 2>&1 &&
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
		"$d/vfio-ap-verify" known-only "$out/c/fault" fault 2>>"$out/log"; then
		tap_result ok "$kv per-step faults: sites failed in the driver and beyond ($(wc -w <<<"$sites") kinds), no finding but known ones"
	else
		echo "# exit $st; sites: $sites" >>"$out/log"
		tap_result fail "$kv per-step faults" "$out/log"
	fi
	# background load: stress-ng alongside, its metrics in the summary
	"$d/vfio-ap-stress" --seeds 1 --ops 400 --background-load --quiet --results "$out/c/bg" >"$out/log" 2>&1
	if [ $? -le 1 ] && "$d/vfio-ap-verify" background "$out/c/bg" 2>>"$out/log"; then
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
		if "$d/vfio-ap-verify" coverage "$out/c/cov" "$out/c/covm" >"$out/cov" 2>"$out/log"; then
			tap_result ok "$kv --coverage: vfio_ap_ops.c $(cat "$out/cov") reached, coverage.json; two shards merged count every line as the unsharded run"
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
			"$d/vfio-ap-verify" edges "$e" "$out/c/grp" 2>>"$out/log" || gok=
		done
		# a derived case's argv names its program file, which exists
		"$d/vfio-ap-verify" programs "$out/c/g1" 2>>"$out/log" || gok=
		kept=$(ls "$out/c/gcorpus" | wc -l)
		"$cd_/vfio-ap-stress" --seed 100 --seeds 2 --ops 400 --deterministic random --coverage --quiet \
			--corpus "$out/c/gcorpus" --results "$out/c/g2" >>"$out/log" 2>&1
		"$d/vfio-ap-verify" origin "$out/c/g2/cases/stress-s100.json" loaded 2>>"$out/log" || { gok=; echo "# the second campaign did not start from the corpus" >>"$out/log"; }
		if [ -n "$gok" ]; then
			tap_result ok "$kv --corpus: $kept case(s) kept, $n replayed to the same driver edges, the corpus reloaded"
		else
			tap_result fail "$kv --corpus" "$out/log"
		fi
	fi
	"$d/vfio-ap-fault" --campaign fail-nth --deterministic random --quiet --results "$out/c/nth" >/dev/null 2>&1
	# every row there, and every problem a known driver bug's
	if [ $? -le 1 ] && "$d/vfio-ap-verify" fail-nth "$out/c/nth" 20 >"$out/nth" 2>"$out/log"; then
		tap_result ok "$kv fail-nth sweep: $(cat "$out/nth")"
	else
		tap_result fail "$kv fail-nth sweep" "$out/log"
	fi
done
tap_end
