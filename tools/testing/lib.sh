# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the vfio-ap-ref runners. Sourced, never executed.

PROJ=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VFIO_AP_REF_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vfio-ap-ref}
KVER=${KVER:-6.12}

die() {
	echo "error: $*" >&2
	exit "${DIE_RC:-3}"
}

# judge MODULE [ARG...]: run tools/testing/judge/MODULE.py, the Python
# package that reads the results and gives the verdicts.
judge() {
	PYTHONPATH="$PROJ/tools/testing${PYTHONPATH:+:$PYTHONPATH}" \
		python3 -m "judge.$1" "${@:2}"
}

# counts WHAT PASSED FAILED [SKIPPED]: print a tool's counts line,
# "WHAT: N passed, N failed[, N skipped]", and record it in the file that
# COUNTS_FILE names, if any, for make test to add up (judge/counts.py).
counts() {
	judge counts record "$@"
}

# uncounted CMD [ARG...]: run a tool whose counts are not the caller's
# own (a replay's kselftest run, the gate's checks): it records nothing.
uncounted() {
	COUNTS_FILE= "$@"
}

# make_modules KBUILD DIR LOG [MAKE_ARG...]: build the external modules
# of DIR against KBUILD, appending to LOG. A build that was killed can
# leave Kbuild's intermediate files half made, which the next build
# cannot get past ("No rule to make target .../X.mod.o"): then DIR is
# cleaned and built once more. A compile error is not retried.
make_modules() {
	local log=$3 mark
	local mk=(make -C "$1" M="$2" "${@:4}")

	mark=$(wc -l <"$log")
	"${mk[@]}" -j"${JOBS:-$(nproc)}" modules >>"$log" 2>&1 && return 0
	tail -n +"$((mark + 1))" "$log" | grep -q 'No rule to make target' ||
		return 1
	echo "make_modules: $2: an interrupted build's leftovers; building it from clean" >&2
	"${mk[@]}" clean >>"$log" 2>&1 &&
		"${mk[@]}" -j"${JOBS:-$(nproc)}" modules >>"$log" 2>&1
}

# results_dir NAME: make a new directory for a run's results and print
# it: RESULTS if set, else results/NAME-DATE-TIME in the project. Runs
# that start in the same second (make test runs two lanes at once) get
# a directory each: mkdir, which fails on one that exists, picks the
# name, with a suffix -2, -3, ... after the first.
results_dir() {
	local base d n=1

	if [ -n "${RESULTS:-}" ]; then
		mkdir -p "$RESULTS" && echo "$RESULTS"
		return
	fi
	mkdir -p "$PROJ/results" || return 1
	base=$PROJ/results/$1-$(date +%Y%m%d-%H%M%S)
	d=$base
	until mkdir "$d" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -le 99 ] || return 1
		d=$base-$n
	done
	echo "$d"
}

# lock_dir DIR: hold a lock on DIR (the file DIR.lock, on fd 5) until
# the script ends. Runs that build into one directory (two make
# kselftest of a checkout, make test's lanes and the gate) take turns
# instead of building over each other's files, or reading them half
# written.
lock_dir() {
	need flock
	mkdir -p "$(dirname "$1")" || die "cannot create $(dirname "$1")"
	exec 5>"$1.lock" || die "cannot open $1.lock"
	flock -n 5 && return 0
	echo "  ${1##*/}: another run builds it; waiting for it" >&2
	flock 5 || die "cannot lock $1.lock"
}

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "'$t' not found; run 'make deps' (or install it) first"
	done
}

# The table of the KUnit suites (kunit/suites.txt) without its comments:
# "MODULE CONFIG SUITE [PARAM...]" per line.
kunit_suites() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PROJ/kunit/suites.txt"
}

# check_uint NAME MIN MAX: the variable NAME, when set and not empty,
# holds an integer from MIN to MAX (written back without leading zeros,
# which bash arithmetic reads as octal); else exit 2, naming NAME and
# what is allowed. Runners check their input before any work.
check_uint() {
	local v=${!1-}

	[ -z "$v" ] && return 0
	if ! [[ "$v" =~ ^[0-9]{1,10}$ ]] || ((10#$v < $2 || 10#$v > $3)); then
		DIE_RC=2 die "$1=$v: must be an integer from $2 to $3"
	fi
	printf -v "$1" '%d' "$((10#$v))"
}

# is_test_list VALUE: whether VALUE is empty or a comma list of selftest
# TAP names (mdev.queue_status,stress.kvm_hotplug.run), as VM_ONLY and
# ci/gate --only take them; a name's last part may be "*", every test
# of that prefix (mdev.*).
is_test_list() {
	local name='([a-z0-9_]+\.)+([a-z0-9_]+|\*)'
	[ -z "$1" ] || [[ "$1" =~ ^$name(,$name)*$ ]]
}

# check_tree_vars: KDIR, when set, is a kernel source tree, else KVER is
# one of the Debian trees the project installs (6.12, 6.1); else exit 2,
# naming the variable.
check_tree_vars() {
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] && [ -d "$KDIR/drivers" ] ||
			DIE_RC=2 die "KDIR=$KDIR: not a kernel source tree (no Makefile and drivers/)"
		return 0
	fi
	case "$KVER" in
	6.1|6.12) ;;
	*) DIE_RC=2 die "KVER=$KVER: must be 6.12 or 6.1, or set KDIR to a kernel tree" ;;
	esac
}

# progress LABEL DIR LOG CMD...: run CMD with its output appended to
# LOG ("-": left as it is), and every 30 s print to stderr LABEL, the
# time so far and how many objects DIR holds, so that a cold build never
# sits silent. Returns CMD's exit status.
progress() {
	# Names of their own: CMD may be a function of the caller that reads
	# the caller's $log or $dir, which locals named so would hide.
	local _pg_label=$1 _pg_dir=$2 _pg_log=$3 _pg_t0 _pg_ticker _pg_rc
	shift 3
	_pg_t0=$(date +%s)
	(
		# Ends with the runner too, should it be killed mid-build.
		while sleep 30 && kill -0 "$$" 2>/dev/null; do
			printf '  %s: %d s, %d objects built\n' "$_pg_label" \
				$(($(date +%s) - _pg_t0)) \
				"$(find "$_pg_dir" -name '*.o' 2>/dev/null | wc -l)" >&2
		done
	) &
	_pg_ticker=$!
	if [ "$_pg_log" = - ]; then
		"$@"
	else
		"$@" >>"$_pg_log" 2>&1
	fi
	_pg_rc=$?
	kill "$_pg_ticker" 2>/dev/null
	wait "$_pg_ticker" 2>/dev/null
	return "$_pg_rc"
}

short_hash() {
	sha256sum | cut -c1-12
}

# lock_tree: hold the lock of the base tree's prepared tree
# (prepare-tree.sh), which every checkout shares, until the calling
# script exits.
lock_tree() {
	local base
	need flock
	base=$(base_tree)
	mkdir -p "$CACHE/trees"
	exec 8>"$CACHE/trees/$(basename "$base")-$(short_hash <<<"$base").lock"
	flock 8 || die "cannot lock the prepared tree of $base"
}

# base_tree: print the unmodified kernel tree to build against, extracting
# the Debian tarball once into the cache when no KDIR was given.
base_tree() {
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] && [ -d "$KDIR/drivers" ] ||
			die "KDIR=$KDIR is not a kernel source tree"
		[ -f "$KDIR/tools/testing/kunit/kunit.py" ] ||
			die "KDIR=$KDIR has no tools/testing/kunit/kunit.py"
		(cd "$KDIR" && pwd)
		return
	fi
	local src=$CACHE/src/linux-source-$KVER
	local tarball=/usr/src/linux-source-$KVER.tar.xz
	local locked=0
	if [ ! -f "$src/.extracted" ]; then
		# One extraction at a time (make test's background builds).
		need flock
		mkdir -p "$CACHE/src"
		exec 7>"$CACHE/src/.extract.lock"
		flock 7 || die "cannot lock $CACHE/src/.extract.lock"
		locked=1
	fi
	if [ ! -f "$src/.extracted" ]; then
		[ -f "$tarball" ] ||
			die "$tarball is missing; run 'make deps' (package linux-source-$KVER)"
		need tar xz
		echo "  EXTRACT $tarball -> $src" >&2
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xJf "$tarball" -C "$src.tmp" || die "cannot extract $tarball"
		mv "$src.tmp/linux-source-$KVER" "$src"
		rmdir "$src.tmp"
		touch "$src/.extracted"
	fi
	[ "$locked" = 0 ] || exec 7>&-
	echo "$src"
}

# tree_version TREE: "VERSION.PATCHLEVEL.SUBLEVEL" from the tree's Makefile.
tree_version() {
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2; print v "." p "." s; exit }' "$1/Makefile"
}

# upstream_tree TREE: check that TREE holds a vfio_ap of a series the
# upstream-mode shims know (6.1, 6.12), or die (exit 3) saying why.
upstream_tree() {
	local ver
	[ -f "$1/drivers/s390/crypto/vfio_ap_ops.c" ] ||
		die "$1 has no drivers/s390/crypto/vfio_ap_ops.c: not a tree with vfio_ap"
	ver=$(tree_version "$1")
	case "${ver%.*}" in
	6.1|6.12) ;;
	*) die "Linux $ver ($1) is not a version the vfio_ap shims know (6.1, 6.12)" ;;
	esac
}

# vfio_ap_src: the directory holding the real vfio_ap and AP bus sources
# upstream mode builds: VFIO_AP_SRC (ci/gate's scratch copy of a series)
# or the base tree's drivers/s390/crypto.
vfio_ap_src() {
	if [ -n "${VFIO_AP_SRC:-}" ]; then
		[ -f "$VFIO_AP_SRC/vfio_ap_ops.c" ] ||
			die "VFIO_AP_SRC=$VFIO_AP_SRC has no vfio_ap_ops.c"
		(cd "$VFIO_AP_SRC" && pwd)
	else
		echo "$(base_tree)/drivers/s390/crypto"
	fi
}

# replay_dir: the directory of the replay patches (tools/testing/replay/)
# for DRIVER: model/, or upstream-<series>/ for the base tree's series.
replay_dir() {
	if [ "${DRIVER:-model}" = upstream ]; then
		echo "$PROJ/tools/testing/replay/upstream-$(tree_version "$(base_tree)" | cut -d. -f1,2)"
	else
		echo "$PROJ/tools/testing/replay/model"
	fi
}

# apply_replay PATCH DIR STRIP: apply the replay PATCH (patch -pSTRIP) to
# the scratch sources in DIR, exactly (no fuzz, no offset guessing beyond
# what patch(1) does without fuzz), or die with exit 1 naming the replay
# and the hunks that no longer apply. DIR is left untouched then.
apply_replay() {
	local out name
	name=$(basename "$1" .patch)
	need patch
	out=$(patch -p"$3" -d "$2" -F0 -N -s --no-backup-if-mismatch --dry-run \
		-r - <"$1" 2>&1) ||
		DIE_RC=1 die "replay $name ($1) no longer applies: $(echo $out)"
	patch -p"$3" -d "$2" -F0 -N -s --no-backup-if-mismatch -r - <"$1" >/dev/null ||
		DIE_RC=1 die "replay $name ($1): patch failed after a good dry run"
}

# stage_replay PATCH DIR: in DIR, a scratch copy of the sources the
# replays of DRIVER are written against, with PATCH (none when empty)
# applied: driver/'s files in DIR itself for the model (patches name
# a/driver/FILE), the tree's drivers/s390/crypto, or VFIO_AP_SRC, in
# DIR/drivers/s390/crypto upstream. Dies as apply_replay() does.
stage_replay() {
	rm -rf "$2"
	if [ "${DRIVER:-model}" = upstream ]; then
		mkdir -p "$2/drivers/s390/crypto" &&
			cp "$(vfio_ap_src)"/*.[ch] "$2/drivers/s390/crypto/" ||
			die "cannot copy the vfio_ap sources to $2"
		[ -z "$1" ] || apply_replay "$1" "$2" 1
	else
		mkdir -p "$2" && cp -r "$PROJ"/driver/* "$2/" ||
			die "cannot copy driver/ to $2"
		[ -z "$1" ] || apply_replay "$1" "$2" 2
	fi
}

# sync_dir FROM TO: make TO hold FROM's files, and its directories'
# (driver/sim/), copying only those whose content differs, so that
# unchanged files keep their mtimes and an incremental build rebuilds
# only what changed; files TO has that FROM lacks are removed (build
# products are left alone).
sync_dir() {
	local f
	mkdir -p "$2"
	for f in "$1"/*; do
		if [ -d "$f" ]; then
			sync_dir "$f" "$2/${f##*/}"
			continue
		fi
		[ -f "$f" ] || continue
		cmp -s "$f" "$2/${f##*/}" || cp "$f" "$2/"
	done
	for f in "$2"/*.[ch] "$2"/Makefile "$2"/Kconfig "$2"/Kbuild; do
		[ -e "$f" ] || continue
		[ -e "$1/${f##*/}" ] || rm -f "$f"
	done
}
