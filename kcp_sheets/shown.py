"""Names and text from outside (file names, senders, what was typed) shown as
text and nothing else: a control character would move the cursor, clear the
officer's screen or colour a fake line, and a bidirectional control would
make "rtl\u202excod.xlsx" read as another name. Each such character is
replaced by one visible character, so the text keeps its length (styles laid
over it stay in place)."""

from __future__ import annotations

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TABLE = {
    code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"
}  # C0 as their control pictures: ESC is ␛
_TABLE[0x7F] = 0x2421  # ␡
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})  # C1 controls (a CSI of its own among them)
_TABLE.update({ord(ch): 0xFFFD for ch in BIDI})


def visible(text: str) -> str:
    """The text with every control character made visible, one for one."""
    return text.translate(_TABLE)


def without_bidi(text: str) -> str:
    """The text with its bidirectional controls removed: for a name we make
    (other control characters are the name's maker's to replace)."""
    return "".join(ch for ch in text if ch not in BIDI)
