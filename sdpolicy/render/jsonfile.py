"""The JSON output (`--json`): the view itself, for programs.

JSON keeps text exact, so nothing here is shown as a `\\xNN` escape the way the formats for people
show it; but a C1 control (0x9b is a one-byte CSI to some terminals) or an invisible format
character (a bidi override) written raw would still act on a terminal that shows the JSON. Such
characters are written as JSON's own `\\uXXXX` escapes, which every JSON reader turns back into the
same character: exact for a program, inert on a screen. json.dumps already escapes C0 controls.
"""

from __future__ import annotations

import json
from typing import Any

from sdpolicy.sanitise import hidden


def _unit_escapes(found: Any) -> str:
    # As UTF-16 units: a character beyond the BMP (a tag character) is a surrogate pair in JSON.
    data = found.group().encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(data[i:i + 2], 'big'):04x}" for i in range(0, len(data), 2))


def dumps(view: Any, *, ascii_only: bool) -> str:
    """The view as indented JSON and a final newline; `ascii_only` for a stdout that cannot show Chinese."""
    # These characters occur only inside JSON strings, so replacing each by its escape keeps the
    # document valid and its meaning unchanged.
    return hidden().sub(_unit_escapes, json.dumps(view, ensure_ascii=ascii_only, indent=2)) + "\n"
