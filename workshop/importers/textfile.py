"""Reads a text file someone saved by hand: UTF-8 with or without a byte-order mark, or UTF-16 with one.

Anything else is refused in one line saying what the file looks like, rather than read as garbled text.
"""

import codecs

from .errors import LoadError
from .files import read_file

# UTF-32's little-endian mark starts with UTF-16's; such a file decodes to NUL characters and is refused below.
MARKS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def read_text(path):
    """The text of a regular file of bounded size (files.read_file)."""
    return decode(read_file(path), path)


def decode(data, name):
    codec = next((codec for mark, codec in MARKS if data.startswith(mark)), None)
    if codec is None and b"\x00" in data:
        if looks_like_utf16(data):
            raise LoadError(f"{name}: UTF-16 without a byte-order mark; save it as UTF-8")
        raise LoadError(f"{name}: a binary file, not text (it holds NUL bytes)")
    try:
        text = data.decode(codec or "utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec or "utf-8", errors="replace").count("\n") + 1
        byte = data[error.start]
        what = codec or "UTF-8"
        raise LoadError(f"{name} line {line}: not {what} text (byte 0x{byte:02x}); save it as UTF-8") from None
    if "\x00" in text:
        raise LoadError(f"{name}: a binary file, not text (it holds NUL characters)")
    return text


def looks_like_utf16(data):
    """Latin-script text in UTF-16 has a NUL in every other byte; a binary file has them anywhere."""
    sample = data[:4096]
    return any(sample[start::2].count(0) > 0.9 * len(sample[start::2]) for start in (0, 1)) and len(sample) % 2 == 0
