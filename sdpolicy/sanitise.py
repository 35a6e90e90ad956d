"""How text taken from data or from the command line is shown: never as a live control character.

A note, a unit name or an argument can hold ESC, BEL, NUL or a C1 byte such as 0x9b (a one-byte CSI
to some terminals). Printed raw, it can recolour, retitle or clear the reader's terminal, and some
formats (xlsx) cannot hold it at all. Every output shows such a character as a visible `\\xNN`;
the rule lives here, once, and each format calls it (see also sdpolicy.render.* for the escaping
that is particular to one format). No Typer or Rich here: core modules quote data in messages too.
"""

from __future__ import annotations

import re
import sys

# C0 controls but newline and tab, DEL and C1. Newline and tab keep their meaning inside a table
# cell or a workbook cell; everywhere else `message` shows them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _hex(found: re.Match[str]) -> str:
    return f"\\x{ord(found.group()):02x}"


def printable(text: str) -> str:
    """`text` with every control character but newline and tab shown as \\xNN."""
    return text if text.isprintable() else _CONTROL.sub(_hex, text)


def message(text: str) -> str:
    """A message for stderr or a one-line answer: every control character, newline and tab included,
    shown as \\xNN, so that quoted data can neither drive the terminal nor fake a line of its own."""
    return text if text.isprintable() else _CONTROL_ALL.sub(_hex, text)


def escape_chars(text: str, chars: str) -> str:
    """`text` with each of `chars` shown as \\xNN: for a format where a character more has a meaning,
    such as the `|` between the cells of a piped table (control characters are printable's job)."""
    return re.sub("[" + re.escape(chars) + "]", _hex, text)


def stdout_fits(text: str) -> bool:
    """Whether stdout's encoding can show `text` (it cannot under PYTHONIOENCODING=ascii)."""
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
