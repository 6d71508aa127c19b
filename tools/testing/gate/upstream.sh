#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ci/gate --tree=KDIR|KVER [--head=CHECKS] [--only=TESTS] [--out=DIR]
#         SERIES.mbox: gate a series to the real vfio_ap
# (drivers/s390/crypto) of a kernel tree, in upstream mode. KVER (6.12,
# 6.1) is Debian's tree, KDIR your own.
#
# The series is applied with "git am -3" to a scratch git repository in
# the cache that holds the tree's drivers/s390/crypto (and the other
# files the series touches, which are applied but not built). The tree
# itself is never touched.
#
# Every patch, in order:
#   checkpatch   the tree's scripts/checkpatch.pl --strict on the patch
#   build        the real vfio_ap and AP bus built for s390x with W=1 and
#                sparse (C=1); the patch fails only on warnings that its
#                parent does not have (line numbers aside)
#   kunit-diff   the KUnit tests of the real static functions against the
#                pure core, and the sequence differential (make diff)
# The series head (--head=, comma list of kselftest and replay; "all",
# the default, or "none"):
#   kselftest    make kselftest DRIVER=upstream, stopped a few seconds
#                after the first detection; with --only=TESTS (a comma
#                list of TAP names, e.g. mdev.queue_status) those tests
#                alone, and the findings whose triggers they are
#   replay       the upstream replays that still apply (make replay)
# A finding the series fixes (a stale findings or divergence entry) is
# reported as fixed, not failed. When the head's kselftest fails, the
# test that failed first runs alone on each earlier patch, oldest first:
# the first patch it fails on is named.
#
# Output in DIR (default results/gate-<time>/): report.md, junit.xml,
# reply.txt (when something failed: a reply to the series with the
# reports, reproducers and Reported-by:/Closes: tags), logs/ and head/.
# Exit codes as ci/gate's: 0 passed, 1 broken, 2 usage, 3 the gate failed.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"
DIE_RC=3

usage() {
	sed -n '4,7p' "$0" >&2
	exit 2
}

tree_arg=
head_checks=all
only=
out=
while [ $# -gt 0 ]; do
	case "$1" in
	--tree=*) tree_arg=${1#--tree=} ;;
	--head=*) head_checks=${1#--head=} ;;
	--only=*) only=${1#--only=} ;;
	--out=*) out=${1#--out=} ;;
	-h|--help) usage ;;
	-*) echo "ci/gate: unknown option $1 with --tree" >&2; usage ;;
	*) break ;;
	esac
	shift
done
[ $# = 1 ] && [ -n "$tree_arg" ] || usage
[ -f "$1" ] || { echo "ci/gate: $1: no such mbox (with --tree, a series is an mbox)" >&2; usage; }
mbox=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
is_test_list "$only" ||
	{ echo "ci/gate: --only=$only: must be a comma list of test names, e.g. mdev.queue_status" >&2; usage; }
[ "$head_checks" = all ] && head_checks=kselftest,replay
[ "$head_checks" = none ] && head_checks=
for c in ${head_checks//,/ }; do
	case "$c" in kselftest|replay) ;; *) echo "ci/gate: unknown head check $c" >&2; usage ;; esac
done
case "$tree_arg" in
6.1|6.12) export KVER=$tree_arg KDIR= ;;
*) [ -d "$tree_arg" ] || { echo "ci/gate: --tree=$tree_arg: neither 6.1, 6.12 nor a directory" >&2; usage; }
   export KDIR=$tree_arg ;;
esac
export DRIVER=upstream
need git perl python3 flock
tree=$(base_tree)
upstream_tree "$tree"
series_ver=$(tree_version "$tree")
[ -n "$out" ] || out=$(RESULTS= results_dir gate) || die "cannot create a results directory"
mkdir -p "$out/logs" "$out/head" || die "cannot create $out"
out=$(cd "$out" && pwd)
t0=$(date +%s)
vm=$PROJ/tools/testing/vm

# One gate at a time per cache; the scratch repository of a tree is made
# once and reset to its base for every series.
mkdir -p "$CACHE/gate"
exec 9>"$CACHE/gate/upstream.lock"
flock 9 || die "cannot lock $CACHE/gate/upstream.lock"
wt=$CACHE/gate/upstream/$(basename "$tree")-$(short_hash <<<"$tree")
crypto=drivers/s390/crypto
g() { git -C "$wt" -c user.name=ci-gate -c user.email=ci-gate@localhost "$@"; }
stamp=$(cd "$tree/$crypto" && cat -- *.[ch] | short_hash)
if [ "$(cat "$wt.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$wt" "$wt.stamp"
	mkdir -p "$wt/$crypto"
	cp "$tree/$crypto"/* "$wt/$crypto/" && g init -q && g add -A &&
		g commit -q -m "base: $(basename "$tree") $series_ver $crypto" ||
		die "cannot make the scratch repository $wt"
	echo "$stamp" >"$wt.stamp"
fi
base=$(g rev-list --max-parents=0 HEAD | tail -n 1)
g am --abort >/dev/null 2>&1
g checkout -q --detach -f "$base" && g clean -qfdx || die "cannot reset $wt"
# The other files the series touches, from the tree, in a commit of
# their own: applied, not built.
others=$(sed -n 's|^diff --git a/\(.*\) b/.*$|\1|p' "$mbox" | sort -u | grep -v "^$crypto/" || true)
for f in $others; do
	[ -f "$tree/$f" ] || continue
	mkdir -p "$wt/$(dirname "$f")" && cp "$tree/$f" "$wt/$f"
done
if [ -n "$others" ]; then
	g add -A && g commit -q --allow-empty -m "base: the series' files outside $crypto" ||
		die "cannot add the series' other files to $wt"
fi
start=$(g rev-parse HEAD)
apply_fail=
if ! g am -q -3 "$mbox" >"$out/logs/am.log" 2>&1; then
	apply_fail=$(sed -n 's/^Patch failed at [0-9]* \(.*\)$/\1/p' "$out/logs/am.log" | head -n 1)
	apply_fail=${apply_fail:-$(head -n 1 "$out/logs/am.log")}
	g am --quit >/dev/null 2>&1
	g reset -q --hard
fi
commits=$(g rev-list --reverse "$start..HEAD")
[ -n "$commits$apply_fail" ] || { echo "ci/gate: $mbox has no patches" >&2; usage; }
export VFIO_AP_SRC=$wt/$crypto

res=$out/results.tsv
: >"$res"
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-0}" "${7:-}" >>"$res"
}
[ -z "$others" ] ||
	record series "files outside $crypto" scope skip "applied, not built: $(echo $others)"
checkout() {
	g checkout -q --detach -f "$1" && g clean -qfdx || die "cannot check out $1 in $wt"
}

# The kernel builds: the debug kernel of make kselftest, and the KUnit
# kernel of make diff.
kb=$("$vm/build-kernel.sh") || die "building the VM kernel failed"

# build_warnings SHA FILE: the W=1 C=1 warnings of SHA's sources, with
# the paths made relative and the line and column numbers dropped.
build_warnings() {
	checkout "$1"
	WARNINGS=$2.raw "$vm/build-upstream.sh" "$kb" >"$2.log" 2>&1 || return 1
	sed -E 's|^.*/([^/:]+):[0-9]+(:[0-9]+)?: |\1: |' "$2.raw" | sort >"$2"
}

ckp() {
	g format-patch -1 --stdout "$1" >"$out/logs/$2.patch" &&
	(cd "$out/logs" && perl "$tree/scripts/checkpatch.pl" --strict --no-tree \
		--terse --show-types --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID \
		"$2.patch") \
		>"$out/logs/$2.checkpatch" 2>&1
	local rc=$?
	[ "$rc" = 0 ] && ! grep -qE '(ERROR|WARNING|CHECK):' "$out/logs/$2.checkpatch"
}

# first_line FILE PATTERN: the first line of FILE matching PATTERN, for
# the table.
first_line() {
	grep -m1 -E "$2" "$1" 2>/dev/null | cut -c1-160 | tr '\t|' '  ' || true
}

broken=0
n=0
prev=$start
build_warnings "$prev" "$out/logs/0.warnings" ||
	die "the tree's vfio_ap does not build before the series; see $out/logs/0.warnings.log"
for sha in $commits; do
	n=$((n + 1))
	subj=$(g log -1 --format=%s "$sha")
	echo "  GATE [$n] $subj" >&2
	record "$n" "$subj" apply pass ""
	t=$SECONDS
	if ckp "$sha" "$n"; then
		record "$n" "$subj" checkpatch pass "" $((SECONDS - t))
	else
		record "$n" "$subj" checkpatch fail \
			"$(first_line "$out/logs/$n.checkpatch" '(ERROR|WARNING|CHECK):')" $((SECONDS - t))
		broken=1
	fi
	t=$SECONDS
	w=$out/logs/$n.warnings
	if ! build_warnings "$sha" "$w"; then
		record "$n" "$subj" build fail "$(first_line "$w.log" 'error|does not compile')" \
			$((SECONDS - t))
		broken=1
	else
		comm -13 "$out/logs/$((n - 1)).warnings" "$w" >"$w.new"
		if [ -s "$w.new" ]; then
			record "$n" "$subj" build fail "new warning: $(head -n 1 "$w.new")" $((SECONDS - t))
			broken=1
		else
			record "$n" "$subj" build pass "" $((SECONDS - t))
		fi
	fi
	t=$SECONDS
	checkout "$sha"
	if STALE=report RESULTS=$out/logs/$n-diff SEED=${SEED:-1000} DIFF_OPS=${DIFF_OPS:-2000} \
		DIFF_SURVEY=0 DIFF_DEBUG=0 "$PROJ/tools/testing/diff.sh" >"$out/logs/$n-diff.log" 2>&1; then
		record "$n" "$subj" kunit-diff pass "$(grep -m1 '^  FIXED' "$out/logs/$n-diff.log" |
			sed 's/^ *//')" $((SECONDS - t))
	else
		record "$n" "$subj" kunit-diff fail \
			"$(first_line "$out/logs/$n-diff.log" '^ *FAIL|^report: .*NEW|verdict: failed' |
			   sed 's/^ *//')" \
			$((SECONDS - t)) "make diff KDIR=<a $series_ver tree with patches 1-$n> SEED=${SEED:-1000} DIFF_OPS=${DIFF_OPS:-2000}"
		broken=1
	fi
	prev=$sha
done
if [ -n "$apply_fail" ]; then
	n=$((n + 1))
	record "$n" "$apply_fail" apply fail "git am -3 failed; see logs/am.log"
	broken=1
fi

# kselftest_at SHA RESULTS [TESTS]: make kselftest on SHA's sources (of
# TESTS alone, a comma list), stopped a few seconds after the first
# detection.
kselftest_at() {
	checkout "$1"
	STALE=report RESULTS=$2 VM_ONLY=${3:-} VM_STOP_GRACE=5 SEED=${SEED:-1000} \
		STRESS_SECONDS=${STRESS_SECONDS:-10} STRESS_THREADS=${STRESS_THREADS:-2} \
		"$PROJ/tools/testing/kselftest.sh" >"$2.log" 2>&1
}

# The first detection of a kselftest run: "DETECTOR: TITLE (in TEST)",
# or for a failing test its first assertion, from the summary.
detection() {
	judge detection "$@"
}

infra=0
last=$(tail -n 1 <<<"$commits")
repro="ci/gate --tree=$tree_arg $(basename "$mbox")"
if [ -n "$head_checks" ] && [ "$broken" = 0 ]; then
	for c in ${head_checks//,/ }; do
		echo "  GATE [head] $c" >&2
		t=$SECONDS
		case "$c" in
		kselftest)
			kselftest_at "$last" "$out/head/kselftest" "$only"
			rc=$?
			if [ "$rc" = 0 ]; then
				record head "series head" kselftest pass \
					"$(grep -m1 '^fixed findings' "$out/head/kselftest/summary.txt")" \
					$((SECONDS - t))
				continue
			fi
			[ "$rc" = 3 ] && { infra=1; record head "series head" kselftest fail \
				"infrastructure; see head/kselftest.log" $((SECONDS - t)); continue; }
			broken=1
			what=$(detection "$out/head/kselftest")
			what=${what:-$(grep -m1 '^verdict:' "$out/head/kselftest/summary.txt")}
			# The first patch the failing test fails on: it runs alone
			# on each earlier patch, oldest first.
			test=$(detection --test "$out/head/kselftest")
			culprit=$n
			if [ -n "$test" ]; then
				k=0
				for sha in $commits; do
					k=$((k + 1))
					[ "$sha" = "$last" ] && break
					echo "  GATE [$k] $test alone" >&2
					kselftest_at "$sha" "$out/head/bisect-$k" "$test" &&
						continue
					culprit=$k
					break
				done
			fi
			subj=$(g log -1 --format=%s "$(sed -n "${culprit}p" <<<"$commits")")
			record "$culprit" "$subj" kselftest fail "$what" $((SECONDS - t)) \
				"make kselftest DRIVER=upstream KDIR=<a $series_ver tree with patches 1-$culprit> SEED=${SEED:-1000}"
			;;
		replay)
			checkout "$last"
			RESULTS=$out/head/replay REPLAY_UNAPPLIED=skip REPLAY_CLEAN=0 \
				SEED=${SEED:-1000} RUNS=1 \
				"$PROJ/tools/testing/replay/replay.sh" >"$out/head/replay.log" 2>&1
			rc=$?
			why=$(grep -m1 -E 'replay: [0-9]+ passed' "$out/head/replay.log")
			skipped=$(grep -m1 '^replays that do not apply' "$out/head/replay.log")
			case "$rc" in
			0) record head "series head" replay pass "$why${skipped:+; $skipped}" $((SECONDS - t)) ;;
			3) infra=1; record head "series head" replay fail "infrastructure; see head/replay.log" $((SECONDS - t)) ;;
			*) broken=1; record head "series head" replay fail "$why" $((SECONDS - t)) "$repro" ;;
			esac
			;;
		esac
	done
elif [ -n "$head_checks" ]; then
	for c in ${head_checks//,/ }; do
		record head "series head" "$c" skip "the series is broken"
	done
fi

judge gate "$res" "$out" \
	"$(basename "$mbox") on $(basename "$tree") $series_ver" "$(($(date +%s) - t0))" \
	--mail "$mbox"
if [ "$infra" = 1 ]; then
	echo "ci/gate: the gate failed (infrastructure); see $out/logs" >&2
	exit 3
fi
if [ "$broken" = 1 ]; then
	echo "ci/gate: the series is broken; see $out/report.md" >&2
	exit 1
fi
echo "ci/gate: the series passed" >&2
exit 0
