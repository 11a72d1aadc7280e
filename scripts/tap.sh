# SPDX-License-Identifier: GPL-2.0
# TAP for the test runners (scripts/check.sh and the layer scripts it runs),
# sourced: it makes the runner's scratch folder $out.
#   tap_result ok|skip|fail NAME [DETAIL]   one test point (fail: DETAIL is a
#                                          file shown as comments; skip: the reason)
#   tap_fold FILE [PREFIX]                  the "ok ... - NAME" / "not ok ... - NAME"
#                                          lines of another runner's output as our
#                                          own points, each failure with the lines after it
#   tap_jobs FN ITEM...                     FN ITEM for each item side by side, TAP folded
#   tap_end                                 the plan and "N passed, N failed, N skipped";
#                                          its status is the verdict
#   args_split FLAG ARG...                  a runner's words: those before FLAG into
#                                          the array args_a, those after it into args_b
tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
# every runner's scratch folder ($out) and failure log, gone at its exit
out=$(mktemp -d)
tap_log=$(mktemp)
trap 'rm -rf "$out" "$tap_log"' EXIT

tap_result() {
	tap_n=$((tap_n + 1))
	case $1 in
	ok) tap_pass=$((tap_pass + 1)); echo "ok $tap_n - $2" ;;
	skip) tap_skip=$((tap_skip + 1)); echo "ok $tap_n - $2 # SKIP $3" ;;
	*) tap_fail=$((tap_fail + 1)); echo "not ok $tap_n - $2"
	   [ -n "${3:-}" ] && sed 's/^/# /' "$3" | tail -n 40 ;;
	esac
}

tap_fold() {
	local line prefix=${2:+$2 }
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP "*) tap_result skip "$prefix$(t=${line#*- }; echo "${t% # SKIP *}")" "${line##* # SKIP }" ;;
		"ok "*) tap_result ok "$prefix${line#*- }" ;;
		"not ok "*)
			grep -A40 -F -- "$line" "$1" | tail -n +2 | grep -v '^\(ok\|not ok\) ' >"$tap_log"
			tap_result fail "$prefix${line#*- }" "$tap_log" ;;
		esac
	done <"$1"
}

tap_end() {
	echo "1..$tap_n"
	echo "$tap_pass passed, $tap_fail failed, $tap_skip skipped"
	[ "$tap_fail" -eq 0 ]
}

# tap_jobs FN ITEM...: FN ITEM for each item, side by side (as many at a
# time as there are CPUs), each in a subshell with a scratch folder of its
# own as $out (and its own $tap_log); their TAP folded in the items' order.
tap_jobs() {
	local fn=$1 i=0 j item
	shift
	for item in "$@"; do
		(out="$out/job-$fn-$i" && mkdir -p "$out" && tap_log="$out/tap_log" && "$fn" "$item") \
			>"$out/job-$fn-$i.tap" 2>&1 &
		i=$((i + 1))
		[ "$(jobs -rp | wc -l)" -lt "$(nproc)" ] || wait -n
	done
	wait
	for ((j = 0; j < i; j++)); do
		tap_fold "$out/job-$fn-$j.tap"
	done
}

args_split() {
	local flag=$1
	shift
	args_a=() args_b=()
	while [ $# -gt 0 ]; do
		if [ "$1" = "$flag" ]; then
			shift
			args_b=("$@")
			return
		fi
		args_a+=("$1")
		shift
	done
}
