"""Loads a programme all or nothing, through the same model rules the admin uses.

Django's loaddata saves raw rows and skips validation. Here every object is checked with the model layer
(fields, constraints, clean() and its cross-row rules) and every problem is reported; if there is any,
the transaction is rolled back and the database is exactly as it was.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError, deserialize_fk_value
from django.core.serializers.python import Deserializer
from django.db import DatabaseError, models, transaction

from .importers import frab
from .importers.errors import LoadError


@dataclass(frozen=True)
class Problem:
    model: str
    key: str
    field: str
    message: str

    def __str__(self):
        return f"{self.model} {self.key} {self.field}: {self.message}"


@dataclass
class Report:
    source: str
    objects: int = 0
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)
    dry_run: bool = False
    warnings: list = field(default_factory=list)  # what an importer decided that the file did not say

    @property
    def ok(self):
        return not self.problems


class _Rollback(Exception):
    pass


def read_items(path, warnings=None):
    """The file's items in Django's fixture format, or a LoadError naming what is wrong with the file as a
    whole. Besides fixtures, reads the frab schedule XML and c3voc schedule JSON that pretalx, frab and
    Indico-based tools export."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file")
    except IsADirectoryError:
        raise LoadError(f"{path}: is a folder, not a file")
    try:
        if path.suffix.lower() == ".xml":
            return known_people_kept(frab.loadable_items(raw, kind="xml", warnings=warnings))
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(f"{path}: not UTF-8 text")
    except LoadError as error:
        raise LoadError(f"{path}: {error}")
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    if isinstance(items, dict) and "schedule" in items:
        try:
            return known_people_kept(frab.loadable_items(raw, kind="json", warnings=warnings))
        except LoadError as error:
            raise LoadError(f"{path}: {error}")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise LoadError(
            f"{path}: a fixture is a JSON list of objects, each with “model” and “fields” "
            "(or a c3voc schedule JSON object with “schedule”)"
        )
    return items


def known_people_kept(items):
    """Schedule files name people but carry none of their details: people already here keep theirs."""
    from schedule.models import Speaker

    slugs = [item["fields"].get("slug") for item in items if item.get("model") == "schedule.speaker"]
    known = set(Speaker.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [
        item for item in items if not (item.get("model") == "schedule.speaker" and item["fields"].get("slug") in known)
    ]


def load_items(items, *, source="", dry_run=False):
    report = Report(source=source, objects=len(items), dry_run=dry_run)
    try:
        with transaction.atomic():
            saved = _save_all(items, report)
            for obj in saved:
                report.problems.extend(_validation_problems(obj))
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def load_file(path, *, dry_run=False):
    warnings = []
    report = load_items(read_items(path, warnings), source=str(path), dry_run=dry_run)
    report.warnings = warnings
    return report


def _save_all(items, report):
    """Save items in whatever order their references allow; what never resolves is reported."""
    pending = list(enumerate(items, start=1))
    saved, refused = [], set()
    while pending:
        waiting = []
        for number, item in pending:
            try:
                deserialized = _deserialize(item)
            except ObjectDoesNotExist:
                waiting.append((number, item))  # refers to something not saved yet
                continue
            except (DeserializationError, FieldDoesNotExist, ValidationError, ValueError, TypeError, KeyError) as error:
                report.problems.append(_item_problem(number, item, error))
                continue
            obj = deserialized.object
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
            existed = stored is not None
            obj._state.adding = not existed  # lets unique checks tell an update from a duplicate
            if stored is not None:
                _keep_unnamed_fields(obj, stored, item["fields"])
            problems = _row_problems(obj)
            if problems:
                report.problems.extend(problems)
                refused.add(_identity(obj))
                continue
            try:
                with transaction.atomic():
                    # A plain save, not loaddata's raw one, so that history records who loaded what.
                    obj.save()
                    for name, values in (deserialized.m2m_data or {}).items():
                        getattr(obj, name).set(values)
            except DatabaseError as error:
                report.problems.append(Problem(_label(obj), _key(obj, number), "*", f"the database refused it: {error}"))
                refused.add(_identity(obj))
                continue
            report.updated += existed
            report.created += not existed
            saved.append(obj)
        if len(waiting) == len(pending):
            report.problems.extend(_missing_references(waiting, refused))
            break
        pending = waiting
    return saved


def _keep_unnamed_fields(obj, stored, named):
    """An item updates the fields it names; the others keep what is stored (schedule files carry no
    affiliations, video providers or spotlights, and must not blank them)."""
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or model_field.name in named:
            continue
        setattr(obj, model_field.attname, getattr(stored, model_field.attname))


def _deserialize(item):
    if "model" not in item or not isinstance(item.get("fields"), dict):
        raise KeyError("each item needs “model” and “fields”")
    try:
        return next(iter(Deserializer([item], handle_forward_references=False)))
    except DeserializationError as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, ObjectDoesNotExist):
            raise cause
        raise


def _row_problems(obj):
    """What can be checked of one row before it is saved. A refused row also gets its clean() rules run,
    so that one report names every problem with it."""
    errors = {}

    def collect(check, **kwargs):
        try:
            check(**kwargs)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)

    collect(obj.clean_fields)
    collect(obj.validate_constraints, exclude=set(errors))  # as full_clean() does: one message per bad field
    if errors:
        collect(obj.clean)
    return [Problem(_label(obj), _key(obj), _field(name), message) for name, messages in errors.items() for message in messages]


def _validation_problems(obj):
    try:
        obj.full_clean()
    except ValidationError as error:
        return [
            Problem(_label(obj), _key(obj), _field(name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _missing_references(waiting, refused):
    problems = []
    for number, item in waiting:
        model = apps.get_model(item["model"])
        for name, value in item["fields"].items():
            model_field = model._meta.get_field(name)
            if not isinstance(model_field, models.ForeignKey) or value is None:
                continue
            target = model_field.remote_field.model
            try:
                deserialize_fk_value(model_field, value, None, handle_forward_references=False)
            except ObjectDoesNotExist:
                if (target._meta.label_lower, _key_text(value)) in refused:
                    continue  # already reported where it was refused
                problems.append(
                    Problem(
                        item["model"],
                        _item_key(number, item),
                        name,
                        f"refers to {target._meta.label_lower} {_key_text(value)}, "
                        "which is neither in the file nor in the database",
                    )
                )
    return problems


def _item_problem(number, item, error):
    cause = error.__cause__ or error.__context__ or error
    message = "; ".join(cause.messages) if isinstance(cause, ValidationError) else str(cause)
    if isinstance(error, DeserializationError) and "Invalid model identifier" in str(error):
        return Problem(str(item.get("model")), _item_key(number, item), "model", "unknown model")
    return Problem(str(item.get("model", "?")), _item_key(number, item), "*", message)


def _label(obj):
    return obj._meta.label_lower


def _identity(obj):
    return (_label(obj), _key(obj))


def _key(obj, number=None):
    try:
        return _key_text(obj.natural_key())
    except (AttributeError, ObjectDoesNotExist):
        return f"item {number}" if number else f"pk={obj.pk}"


def _key_text(value):
    return "/".join(str(part) for part in value) if isinstance(value, (list, tuple)) else str(value)


def _item_key(number, item):
    fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
    hint = next((fields[name] for name in ("slug", "label", "name") if isinstance(fields.get(name), str)), None)
    return f"item {number}" + (f" ({hint})" if hint else "")


def _field(name):
    return "*" if name == NON_FIELD_ERRORS else name
