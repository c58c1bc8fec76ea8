"""Tables for a terminal, drawn by rich (it knows how wide Chinese characters are)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

WIDTH = 160  # characters at most; a table takes only the width it needs


def render(table: Table) -> str:
    """``table`` as plain text (no colour, no trailing blanks), for stdout or a pipe."""
    buffer = io.StringIO()
    Console(file=buffer, width=WIDTH, color_system=None, highlight=False).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())
