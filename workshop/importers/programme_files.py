"""A programme file read into items of Django's fixture format, whatever it came as: a fixture (JSON), or a frab
schedule XML or c3voc schedule JSON as pretalx, frab and Indico-based tools export them (importers/frab.py).

Files come from submission systems and other people: only a regular file of bounded size is read (files.py), and
lists, objects and elements may be nested only so deep, so that no file can exhaust memory or recursion. What is
wrong with the file as a whole is one LoadError line; what is wrong with its items is the loader's to report.
"""

from pathlib import Path
from xml.parsers import expat

from . import frab
from .errors import LoadError
from .files import MAX_DEPTH, parse_json, read_file, too_deep

CHUNK = 500  # values per IN (...) when looking people up


def read_items(path, warnings=None, *, max_bytes=None):
    """The file's items in Django's fixture format, or a LoadError naming what is wrong with the file as a
    whole. Besides fixtures, reads the frab schedule XML and c3voc schedule JSON that pretalx, frab and
    Indico-based tools export. max_bytes: the largest file read (settings.PROGRAMME_FILE_MAX_BYTES unless given)."""
    path = Path(path)
    raw = read_file(path, max_bytes)
    try:
        if path.suffix.lower() == ".xml":
            check_xml_depth(raw)
            return known_people_kept(frab.loadable_items(raw, kind="xml", warnings=warnings))
        items = parse_json(raw.decode("utf-8"))
        if isinstance(items, dict) and "schedule" in items:
            return known_people_kept(frab.loadable_items(raw, kind="json", warnings=warnings))
    except UnicodeDecodeError:
        raise LoadError(f"{path}: not UTF-8 text") from None
    except LoadError as error:
        raise LoadError(f"{path}: {error}") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise LoadError(
            f"{path}: a fixture is a JSON list of objects, each with “model” and “fields” "
            "(or a c3voc schedule JSON object with “schedule”)"
        )
    return items


class _StopScanning(Exception):
    pass


def check_xml_depth(raw):
    """A LoadError for elements nested more than MAX_DEPTH deep. Any other fault (not XML at all, entity
    declarations) is left to the schedule reader, which names it."""
    depth = 0

    def start(name, attributes):
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep()

    def end(name):
        nonlocal depth
        depth -= 1

    def entity(*args):
        raise _StopScanning  # defusedxml refuses the file; entities are not expanded here either

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler, parser.EntityDeclHandler = start, end, entity
    try:
        parser.Parse(raw, True)
    except (expat.ExpatError, _StopScanning):
        pass


def known_people_kept(items):
    """Schedule files name people but carry none of their details: people already here keep theirs."""
    from schedule.models import Speaker

    slugs = sorted({item["fields"].get("slug") for item in items if item.get("model") == "schedule.speaker"})
    known = set()
    for start in range(0, len(slugs), CHUNK):
        known.update(Speaker.objects.filter(slug__in=slugs[start : start + CHUNK]).values_list("slug", flat=True))
    return [
        item for item in items if not (item.get("model") == "schedule.speaker" and item["fields"].get("slug") in known)
    ]
