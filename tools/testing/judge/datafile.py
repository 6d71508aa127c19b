# SPDX-License-Identifier: GPL-2.0
"""The project's line-oriented data files (allowlist, lock orders, findings).

One entry per line; blank lines and lines starting with '#' are comments.
doc_table() reads the same kind of entries from the literal block of a
kernel-doc DOC: comment, so that a fact the driver documents is written
there alone.
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


def doc_table(path, title):
    """[(line number, entry)] of the literal block of the kernel-doc
    "DOC: @title" comment of the C file @path: its lines indented past
    " * " after a line ending in "::", up to the comment's end."""
    out, inside, block = [], False, False
    with open(path, encoding='utf-8') as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not inside:
                inside = line.strip() == '* DOC: %s' % title
                continue
            if line.strip() == '*/':
                break
            if line.rstrip().endswith('::'):
                block = True
            elif block and line.startswith(' *   ') and line[5:].strip():
                out.append((n, line[5:].strip()))
    if not out:
        raise ValueError('%s: no literal block in "DOC: %s"' % (path, title))
    return out
