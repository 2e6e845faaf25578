"""Control characters in text: refused where text comes in (every form through ``core.forms``,
every API body through ``core.api.TextParser``, every roster cell), replaced where text goes out
(exports), because rows written before the edge refused them may still hold some.

``clean_text`` is the stored form of plain text typed where no form checks it (a public page, a
service called by the API): NFC, invisible characters dropped, whitespace tidied.

ESC, NUL and their kind are invisible, mean nothing in a name or a note, and cannot be written to
the XML inside .xlsx and .docx files. Tab and line breaks are text in multi-line fields."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 and C1 controls and DEL, lone surrogates (only a JSON escape can make one) and the two
# non-characters XML forbids; tab, line feed and carriage return are listed apart.
_INVALID = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
INVALID = re.compile(f"[{_INVALID}]")
INVALID_ON_ONE_LINE = re.compile(f"[{_INVALID}\t\n\r]")
REPLACEMENT = "\ufffd"


def invalid_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character ``text`` may not hold, or None."""
    found = (INVALID if multiline else INVALID_ON_ONE_LINE).search(text)
    return found.group() if found else None


def refusal(character: str) -> str:
    return f"含有不可见的控制字符（U+{ord(character):04X}），请删除后再提交"


@deconstructible
class NoControlCharacters:
    """A field validator; ``multiline`` fields keep tab and line breaks."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        character = invalid_character(str(value), multiline=self.multiline)
        if character is not None:
            raise ValidationError(refusal(character), code="control_character")

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


def printable(value) -> str:
    """A value as text for an export: control characters (legacy data) replaced by U+FFFD, so the
    file is written and the reader sees where something was."""
    return INVALID.sub(REPLACEMENT, "" if value is None else str(value))


# Control and format characters (bidi overrides, zero-width joiners…) have no place in text.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs"}


def clean_text(text: str, *, max_length: int, multiline: bool = False) -> str:
    """Plain text as stored: NFC, invisible characters removed, whitespace tidied. Markup stays
    as characters and is escaped when shown."""
    text = unicodedata.normalize("NFC", text or "")
    keep = "\n" if multiline else ""
    text = "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in _INVISIBLE
                   or ch == "\t")
    if multiline:
        lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    else:
        text = " ".join(text.split())
    return text.strip()[:max_length]
