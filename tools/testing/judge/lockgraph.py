# SPDX-License-Identifier: GPL-2.0
"""The lock graph of a run: the driver's lock classes and the lockdep
edges between them, as Graphviz DOT, and as SVG when Graphviz's dot is
installed (Debian's graphviz; make deps installs it).

Styles: a documented edge the run took is solid black, a documented edge
it did not take dashed grey, an edge that goes up the hierarchy
(forbidden) bold red, and an undocumented edge that goes down (allowed,
skipping levels) solid blue.
"""

import shutil
import subprocess

LEGEND = ('solid black: documented, seen; dashed grey: documented, not seen; '
          'red: forbidden (goes up the hierarchy); blue: undocumented, allowed')


def quote(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def dot(hierarchy, documented, edges, title):
    """The DOT text of the graph: @hierarchy (classes, highest first),
    @documented edges and the @edges lockdep recorded ((from, to) pairs;
    those with an end outside the hierarchy are left out)."""
    rank = {c: i for i, c in enumerate(hierarchy)}
    out = ['digraph lockgraph {',
           '  label=%s; labelloc=t; fontname="monospace";' % quote(title + '\n' + LEGEND),
           '  node [shape=box, fontname="monospace"];']
    for c in hierarchy:
        out.append('  %s;' % quote(c))
    for a, b in documented:
        style = '[color=black]' if (a, b) in edges else '[style=dashed, color=grey]'
        out.append('  %s -> %s %s;' % (quote(a), quote(b), style))
    for a, b in sorted(edges):
        if a not in rank or b not in rank or (a, b) in documented:
            continue
        style = '[color=red, penwidth=2.5]' if rank[a] >= rank[b] else '[color=blue]'
        out.append('  %s -> %s %s;' % (quote(a), quote(b), style))
    out.append('}')
    return '\n'.join(out) + '\n'


def write(path, hierarchy, documented, edges, title):
    """Write the DOT file @path and, with Graphviz, its SVG next to it.

    Return: the SVG's path, or None without Graphviz (or when dot fails)."""
    with open(path, 'w', encoding='utf-8') as f:
        f.write(dot(hierarchy, documented, edges, title))
    svg = path[:-len('.dot')] + '.svg' if path.endswith('.dot') else path + '.svg'
    if not shutil.which('dot'):
        return None
    try:
        subprocess.run(['dot', '-Tsvg', '-o', svg, path], check=True,
                       capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return svg
