# SPDX-License-Identifier: GPL-2.0
"""judge: the project's results and verdicts. Bash builds and boots;
this package judges what came out. Run a module with
"python3 -m judge.MODULE" and tools/testing on PYTHONPATH (lib.sh's
judge MODULE ARGS... does both).

- datafile: the data files' comment and blank-line rules
- scan_console: kernel reports in a console log, with stable titles
- boot_log: one boot's console: its TAP, markers and lockdep graph
- resume: the boots of one run, merged; what the next boot runs
- findings: the known findings of the real driver, and stale ones
- junit: the one JUnit XML writer
- verdict: the verdict of a kselftest run
- watch: the console watcher boot.sh runs beside QEMU
- vmstate: where the vCPUs are, asked of QEMU before its watchdog fires
- vmcov: the coverage a kselftest run reached in the driver under test
- diff: the verdict of a differential run
- ktap: KUnit's KTAP on a console, read with the tree's kunit.py
- kunit_vm: the verdict of the KUnit suites run as modules in the VM
- replay: make replay's table
- detection, gate: ci/gate's first detection and report
- bench: make bench's rate table

Its tests (tests/) use unittest: python3 -m unittest discover -s
tools/testing/judge/tests -t tools/testing.
"""
