#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The project's line-oriented data files (allowlist, lock orders, findings).

One entry per line; blank lines and lines starting with '#' are comments.
"""


def lines(path):
    """[(line number, stripped line)] of the entries of @path."""
    out = []
    with open(path, encoding='utf-8') as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if line and not line.startswith('#'):
                out.append((n, line))
    return out
