"""Reads a file handed to a command (a fixture, a frab or c3voc schedule, a copied ICML page, its details): the
bytes of a regular file of bounded size. Anything else is refused before it is read, in one line: a named pipe
would wait for a writer, /dev/zero never ends, a larger file would be held in memory whole. JSON from such a file
is parsed bounded too: nested no deeper than any programme needs (Python's own limit is a RecursionError)."""

import json
import os
import stat

from django.conf import settings

from .errors import LoadError

MB = 1024 * 1024
# Lists and objects within each other: a fixture needs 4 levels, a c3voc schedule about 10, an XML schedule 6.
MAX_DEPTH = 32
FILE_KINDS = [
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
]


def read_file(path, max_bytes=None):
    """max_bytes: the largest file read, settings.PROGRAMME_FILE_MAX_BYTES unless given."""
    max_bytes = settings.PROGRAMME_FILE_MAX_BYTES if max_bytes is None else max_bytes
    try:
        # O_NONBLOCK: opening a named pipe would otherwise wait for a writer. Nothing changes for a regular file.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise LoadError(f"{path}: cannot be opened: {error.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in FILE_KINDS if test(info.st_mode)), "not a regular file")
            raise LoadError(f"{path}: is {kind}, not a regular file: give the path of a file")
        if info.st_size > max_bytes:
            raise too_large(path, info.st_size, max_bytes)
    except LoadError:
        os.close(descriptor)
        raise
    with open(descriptor, "rb") as file:
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:  # it grew while being read
        raise too_large(path, len(raw), max_bytes)
    return raw


def too_large(path, size, max_bytes):
    return LoadError(
        f"{path}: {size:,} bytes, more than the {max_bytes:,} bytes ({max_bytes / MB:.4g} MB) a programme file may "
        "have (the limit: DJANGO_PROGRAMME_FILE_MAX_MB, or load_workshop's --max-size MB)"
    )


def too_deep():
    return LoadError(f"lists and objects are nested more than {MAX_DEPTH} levels deep, which no programme needs")


def parse_json(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"not valid JSON: {error}") from None  # "…: line 1 column 11 (char 10)"
    except RecursionError:
        raise too_deep() from None  # deeper than Python's own limit (about 1,000)
    except ValueError as error:  # an integer of more than 4,300 digits
        raise LoadError(f"not valid JSON: {error}") from None
    if nesting_depth(data) > MAX_DEPTH:
        raise too_deep()
    return data


def nesting_depth(data):
    """How deep lists and objects are nested in data, level by level (no recursion: any depth is safe to measure),
    stopping once past MAX_DEPTH."""
    depth, level = 0, [data] if isinstance(data, (dict, list)) else []
    while level and depth <= MAX_DEPTH:
        depth += 1
        inner = []
        for value in level:
            inner += [child for child in (value.values() if isinstance(value, dict) else value)
                      if isinstance(child, (dict, list))]
        level = inner
    return depth
