# SPDX-License-Identifier: GPL-2.0
"""The boots of one run: which results each boot settled, and their merge.

A known finding can end a boot's useful results early: a real deadlock's
hung-task report panics the VM, so the tests after it never run, and a
KASAN or lockdep report turns lockdep off, so the tests after it run
without lock checking. kselftest.sh then boots again, and the tests that
have a settled result skip (selftests/vfio_ap_resume.h). A boot settles:

- every result it gave while lockdep was still recording;
- the test that was running when lockdep stopped recording, or when the
  VM stopped: running it again would stop the next boot in the same place;
- its unload checks, when lockdep still recorded.

The results a boot gave after lockdep stopped are provisional: a later
boot runs those tests again. So that a boot does not spend its time on
them, the tests defer themselves once lockdep is off when the runner says
another boot may follow (selftest.defer=1). Another boot is wanted only while
boots end on known findings alone and settle something new (next_boot()).
"""


class Merged:
    """One test's merged result: its Test (boot_log.py), the boot it came
    from, and whether that result is provisional (lockdep was off)."""

    def __init__(self, test, boot, provisional):
        self.test = test
        self.boot = boot
        self.provisional = provisional


def settle(boot):
    """({name: Test} settled, {name: Test} provisional, unload settled)."""
    off = boot.lockdep_off
    settled, provisional = {}, {}
    for t in boot.results():
        began = t.run if t.run is not None else t.line
        if off is None or began < off:
            settled[t.name] = t
        else:
            provisional[t.name] = t
    unload = boot.unload_line is not None and \
        (off is None or boot.unload_line < off)
    return settled, provisional, unload


def next_boot(boots, clean):
    """(tests to skip, defer) for another boot, or None when it adds nothing.

    @clean: the last boot's reports are all known or allowed, its test
    failures known, and it booted and loaded its modules. A boot that
    deferred tests (lockdep was off, selftests/vfio_ap_resume.h) owes them
    a result: when it was not clean, or settled nothing new, one more boot
    runs them without deferring, and is the last."""
    last = boots[-1]
    if any(m.startswith('HOST:') for m in last.markers):
        return None
    skip = ran(boots)
    deferred = bool(last.deferred) or last.unload_deferred
    progress = len(skip) > len(ran(boots[:-1]))
    if not clean or not progress:
        return (skip, False) if deferred else None
    _, provisional, unload = settle(last)
    if provisional or deferred or not unload or not last.has('INIT: tests end'):
        return skip, True
    return None


def ran(boots):
    """The names of the tests the boots settled, for the next boot's
    /selftest-ran (the order of their results)."""
    names = []
    for b in boots:
        for name in settle(b)[0]:
            if name not in names:
                names.append(name)
    return names


def merge(boots):
    """{name: Merged} over the boots of a run, in the order tests first
    appeared: a test's settled result, else its last provisional one."""
    out = {}
    for b in boots:
        settled, provisional, _ = settle(b)
        for t in b.results():
            cur = out.get(t.name)
            if t.name in settled:
                if cur is None or cur.provisional:
                    out[t.name] = Merged(t, b.number, False)
            elif cur is None or cur.provisional:
                out[t.name] = Merged(provisional[t.name], b.number, True)
    return out


def unload_results(boots):
    """[(check, ok, boot number)] of the unload checks: those of the boot
    that settled them, else of the last boot that reached them, and every
    failed check of the other boots."""
    reached = [b for b in boots if b.unload]
    settled = [b for b in reached if settle(b)[2]]
    pick = (settled[:1] or reached[-1:])
    return [(check, ok, b.number) for b in reached for check, ok in b.unload
            if b in pick or not ok]
