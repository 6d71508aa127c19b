# SPDX-License-Identifier: GPL-2.0
"""unittest tests of the judge package, on console logs recorded from real
VM runs (consoles/) and on small runs in the VM's format (runs/)."""
