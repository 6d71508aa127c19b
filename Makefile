# SPDX-License-Identifier: GPL-2.0
#
# vfio-ap-ref entry points. Every target installs what it needs first
# (make deps) and builds in a cache outside the checkout:
# ${XDG_CACHE_HOME:-~/.cache}/vfio-ap-ref (or VFIO_AP_REF_CACHE).
#
#   make test                 every test: checkpatch, KUnit on UML for
#                             6.12 with the coverage of the pure core,
#                             KUnit on s390x for 6.12 and 6.1, the VM kselftests
#                             and replays of the model and of the real
#                             vfio_ap (6.12, 6.1), the differentials, and
#                             ci/gate on its samples
#   make kunit [ARCH=um|s390] [KVER=6.12|6.1] [KDIR=<your tree>]
#   make coverage             line and branch coverage of the pure core
#   make checkpatch           checkpatch.pl --strict and kernel-doc on
#                             driver/, upstream/, kunit/ and selftests/
#   make kselftest [STRESS_SECONDS=20 STRESS_THREADS=4 SEED=n]
#                             selftests in an s390x VM under QEMU, with
#                             lockdep, KASAN, kmemleak and hung-task checks
#   make replay [DRIVER=model|upstream] [KVER=6.12|6.1] [BUG=name[,name]] [RUNS=n]
#                             apply the patches that put known bugs back
#                             (the model's, or upstream fixes undone on
#                             the real vfio_ap) and show that the suite
#                             detects each one
#   make diff [KVER=6.12|6.1] [SEED=n] [DIFF_OPS=n]
#                             the model against the real vfio_ap: the
#                             same operations on both, compared
#   make bench                build times, boot time, stress ops/s and
#                             the lockdep/KASAN overhead, in one run
#   make deps                 install the Debian packages

SHELL := /bin/bash
T := tools/testing
KVER ?= 6.12
ARCH ?= um
export DRIVER KVER KDIR STRESS_SECONDS STRESS_THREADS SEED BUG RUNS DIFF_OPS \
	DIFF_SURVEY DIFF_DEBUG

.PHONY: help deps kunit coverage checkpatch kselftest replay test bench diff

help:
	@sed -n '3,30s/^# \{0,1\}//p' Makefile

deps:
	@$(T)/deps.sh

kunit: deps
	@ARCH=$(ARCH) $(T)/kunit.sh

coverage: deps
	@$(T)/coverage.sh

checkpatch: deps
	@$(T)/checkpatch.sh

kselftest: deps
	@$(T)/kselftest.sh

replay: deps
	@$(T)/replay/replay.sh

diff: deps
	@$(T)/diff.sh

test: deps
	@$(T)/test.sh

bench: deps
	@$(T)/bench.sh
