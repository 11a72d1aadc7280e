#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# shim-missing.sh LOG KVER: the one line `make sim` prints when a kernel
# tree's driver does not build against the shims (or, first, when the
# suite's own code does not build): what is missing (a
# function, a macro, a type, a header, a struct member, a symbol at link
# time) and where the driver first needs it.  driver/PORTING.md says how
# to add it.
set -u
log=$1 kver=${2:-?}
where= what= kind=

first() { # first() ERE: the first matching line of the log
	grep -m1 -E -- "$1" "$log"
}

if l=$(first "fatal error: [^:]+: No such file or directory"); then
	kind="header" what=$(sed -E 's/.*fatal error: ([^:]+):.*/<\1>/' <<<"$l")
elif l=$(first "implicit declaration of function '|implicit declaration of function ‘"); then
	kind="function or macro" what=$(sed -E "s/.*function ['‘]([^'’]+)['’].*/\1()/" <<<"$l")
elif l=$(first "unknown type name '|unknown type name ‘"); then
	kind="type" what=$(sed -E "s/.*unknown type name ['‘]([^'’]+)['’].*/\1/" <<<"$l")
elif l=$(first "has no member named"); then
	kind="struct member" what=$(sed -E "s/.*(['‘][^'’]+['’]) has no member named (['‘][^'’]+['’]).*/\2 of \1/" <<<"$l")
elif l=$(first "undeclared \(first use in this function\)|undeclared here"); then
	kind="constant or variable" what=$(sed -E "s/.*error: ['‘]([^'’]+)['’] undeclared.*/\1/" <<<"$l")
elif l=$(first "undefined reference to"); then
	kind="symbol (the shims or models declare but do not define it)"
	what=$(sed -E "s/.*undefined reference to ['‘\`]([^'’]+)['’].*/\1/" <<<"$l")
	where=$(sed -nE "s/.*in function ['‘\`]([^'’]+)['’].*/\1/p" "$log" | head -n1)
	[ -n "$where" ] && where="in $where"
elif l=$(first "error:"); then
	kind="build" what=$(sed -E 's/.*error: //' <<<"$l")
else
	l=$(tail -n1 "$log") kind="build" what="$l"
fi
# the first error in the suite's own code (not the copied driver): our
# bug, not a shim the driver lacks
if own=$(grep -m1 -E '^(stress|fault|lib|driver|selftests)/[^:]+:[0-9]+:[0-9]+: (fatal )?error:' "$log"); then
	echo "make sim: the suite's own code does not build for $kver: $(sed -E 's/^[^:]+:[0-9]+:[0-9]+: (fatal )?error: //' <<<"$own") (at $(cut -d: -f1,2 <<<"$own")); see driver/PORTING.md"
	exit 0
fi
if [ -z "$where" ]; then
	# file:line of the first error, relative to the copied driver
	where=$(sed -nE 's#^([^: ]*/)?([A-Za-z0-9_.-]+\.[ch]):([0-9]+):[0-9]+: .*#\2:\3#p' <<<"$l" | head -n1)
	[ -n "$where" ] && where="at $where"
fi
echo "make sim: the $kver driver needs a $kind the shims lack: $what${where:+ ($where)}; see driver/PORTING.md"
