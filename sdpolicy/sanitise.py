"""How text taken from data or from the command line is shown: never as a live control character.

A note, a unit name or an argument can hold ESC, BEL, NUL or a C1 byte such as 0x9b (a one-byte CSI
to some terminals), or an invisible format character such as a bidi override. Printed raw, the first
kind can recolour, retitle or clear the reader's terminal (and some formats, xlsx, cannot hold it at
all); the second reorders or hides what the reader sees. Every output for people shows both as a
visible escape (`\\x1b`, `\\u202e`); the rule lives here, once, and each format calls it (see also
sdpolicy.render.* for the escaping that is particular to one format). No Typer or Rich here: core
modules quote data in messages too."""

from __future__ import annotations

import functools
import re
import sys

# Characters that show nothing yet change what is shown: Unicode's format characters (category Cf:
# the bidi embeddings, overrides and isolates U+202A-E and U+2066-9, LRM/RLM, the Arabic letter
# mark, zero-width spaces and joiners, the BOM, the soft hyphen, tag characters), the line and
# paragraph separators (Zl, Zp), and lone surrogates (an argument that was not UTF-8). Printed raw,
# an override turns "txt.exe" round and a zero-width space makes two unit names look alike: the
# "Trojan Source" class. Listed by hand from Unicode 14 (with the hieroglyph controls Unicode 15
# completes, for a newer Python) so that importing costs nothing; a test checks the list against
# the running Python's Unicode database.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c\u200e\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# The zero-width joiner is one of them, but between two pictures it makes one (👩\u200d💻 is a woman at a
# laptop); only there is it kept.
_PICTURE = "\u2600-\u27bf\U0001f000-\U0001faff"
_JOINER = f"(?<![{_PICTURE}\ufe0f\U0001f3fb-\U0001f3ff])\u200d|\u200d(?![{_PICTURE}])"


# C0 controls (but newline and tab when `lines`: they keep their meaning inside a table cell or a
# workbook cell; everywhere else `message` shows them too), DEL and C1. Compiled on first need:
# nearly all text is printable and never needs them, and compiling these classes cost a millisecond
# or two at every start.
@functools.cache
def _controls(lines: bool) -> re.Pattern[str]:
    low = "\x00-\x08\x0b-\x1f" if lines else "\x00-\x1f"
    return re.compile(f"[{low}\x7f-\x9f{_FORMAT}]|{_JOINER}")


@functools.cache
def hidden() -> re.Pattern[str]:
    """For a format that keeps text exact and has escapes of its own (JSON): every such character, C0
    controls aside (json.dumps escapes those) and joiners included, since there escaping loses nothing."""
    return re.compile(f"[\x7f-\x9f{_FORMAT}\u200d]")


def _hex(found: re.Match[str]) -> str:
    # As Python writes an escape: \x1b, \u202e, \U000e0041.
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every control and invisible format character but newline and tab shown as an
    escape (\\x1b, \\u202e)."""
    return text if text.isprintable() else _controls(True).sub(_hex, text)


def message(text: str) -> str:
    """A message for stderr or a one-line answer: every control and format character, newline and tab
    included, shown as an escape, so that quoted data can neither drive or reorder the terminal nor
    fake a line of its own."""
    return text if text.isprintable() else _controls(False).sub(_hex, text)


def first_hidden(text: str, *, lines: bool = False) -> str | None:
    """The first character `printable` (with `lines`) or `message` would show as an escape, or None:
    for a check that refuses such text rather than showing it."""
    found = None if text.isprintable() else _controls(lines).search(text)
    return found.group() if found else None


def is_format(char: str) -> bool:
    """Whether `char` is one of the invisible format characters (not a control character)."""
    return not re.fullmatch("[\x00-\x1f\x7f-\x9f]", char)


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
