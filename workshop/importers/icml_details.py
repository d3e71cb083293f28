"""The workshop details an ICML/NeurIPS page does not carry (dates, zones, organizers, room names), from a small
JSON file like fixtures/sources/oppo2021.meta.json and from command options, which win. Each detail is checked
here, so that a bad one is refused in one line naming where it came from."""

from datetime import date

from schedule.timezones import is_zone_name

from .errors import LoadError
from .icml import Note, WorkshopInfo
from .files import parse_json
from .textfile import read_text

TEXTS = ("slug", "title", "conference", "website")
DATES = ("start_date", "end_date")
ZONES = ("timezone", "page_timezone")
LISTS = ("organizers", "rooms")
REQUIRED = ("slug", "title", "start_date", "timezone")
OPTION_NAMES = {"slug": "--workshop", "organizers": "--organizer"}


def workshop_info(meta_path, options):
    """(WorkshopInfo, warnings) from the meta file (or None) and the options given (None where not given)."""
    details, warnings = {}, []
    if meta_path:
        details, warnings = read_meta(meta_path)
    for name in (*TEXTS, *DATES, *ZONES, "organizers"):
        if options.get(name):
            details[name] = checked(name, options[name], OPTION_NAMES.get(name, "--" + name.replace("_", "-")))
    missing = [name for name in REQUIRED if not details.get(name)]
    if missing:
        raise LoadError(f"missing workshop details: {', '.join(missing)} (give --meta or the options)")
    if details.get("end_date") and details["end_date"] < details["start_date"]:
        raise LoadError(f"the workshop ends ({details['end_date']}) before it starts ({details['start_date']})")
    return WorkshopInfo(**details), warnings


def read_meta(path):
    text = read_text(path)
    try:
        details = parse_json(text)  # bounded in depth, as a programme file is
    except LoadError as error:
        raise LoadError(f"{path}: {error}") from None
    if not isinstance(details, dict):
        raise LoadError(f"{path}: not a JSON object of workshop details")
    known = (*TEXTS, *DATES, *ZONES, *LISTS)
    warnings = [
        Note(None, f"unknown detail “{name}” ignored (known: {', '.join(known)})")
        for name in details
        if name not in known
    ]
    return {name: checked(name, value, f"{path}: {name}") for name, value in details.items() if name in known}, warnings


def checked(name, value, where):
    if name in DATES:
        return a_date(value, where)
    if name in ZONES:
        if not is_zone_name(value):
            raise LoadError(f"{where} “{value}” is not an IANA zone name such as Europe/Berlin")
        return value
    if name == "organizers":
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            raise LoadError(f"{where} must be a list of names")
        return list(value)
    if name == "rooms":
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise LoadError(f"{where} must be a list of objects such as {{\"name\": \"Room 1\"}}")
        return value
    if not isinstance(value, str):
        raise LoadError(f"{where} must be text")
    return value


def a_date(value, where):
    if isinstance(value, date):
        return value
    # fromisoformat also takes "20210723" and week dates; people write 2021-07-23, and a slip is better caught.
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise LoadError(f"{where} “{value}” is not a date written as YYYY-MM-DD, such as 2021-07-23")
