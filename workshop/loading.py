"""Loads a programme all or nothing, through the same model rules the admin uses.

Django's loaddata saves raw rows of any installed model and skips validation. Here a file may hold the programme's
own models only (PROGRAMME_MODELS: a user, a group, a permission or a history row in a file refuses the whole file
before anything touches the database), every object is checked with the model layer (fields, constraints, clean()
and its cross-row rules) and every problem is reported; if there is any, the transaction is rolled back and the
database is exactly as it was.

Files come from submission systems and other people, so their size and their nesting are bounded where they are
read (importers/programme_files.py) and the length of their texts by the models, each refusal in one line.

A NeurIPS-sized programme (about 44,000 objects) loads in seconds where a row at a time took over an hour: the
objects of one model are read, checked and written together, each model after those it refers to (the order of
PROGRAMME_MODELS), with natural keys resolved from the file and from one query per model, the rows written by
bulk_create and bulk_update and their history by simple-history's bulk helpers, and cached pages retired once, on
commit. What each object gets checked with:
- its fields (clean_fields()), in Python, before it is written;
- its unique fields, compared in bulk with the file and the database; an object that clashes goes the plain way
  (full checks, a save() of its own) for the model's own message;
- its check constraints by the database itself, which holds them: a batch it refuses is checked and saved one
  object at a time, which names the culprit (Django's validate_constraints() asks the database too, a query and a
  savepoint per object);
- the cross-row rules of clean() (overlaps, spots taken) once every row is in place: a query per session, and for
  spots the rules module's bulk form of their rule, the rule itself then run where that finds a shared spot.

A reload compares each row with the file: a row the file leaves as it is gets no update, no history row and no new
revision, and when nothing changed the cached pages stay. The Report says, per model, what was added, what changed
(and in which fields: _Load.changes, which a re-import keeping hand edits can build on), what was left alone, and
which rows of the file's workshops the file no longer names; those are kept unless prune is asked for.

Hand edits survive a re-import: organizers re-export from their submission system several times and correct the
programme in the admin in between. Each load remembers what it set on each row (workshop.models.ImportedRow); a
field whose value now differs from that was edited by hand since, and keeps the organizer's value unless
prefer_file is asked for. The report names each such field, as a conflict (both values) where the file changed it
too. A row of the file's workshops that no import set (a speaker added in the admin) is a hand addition: reported,
and kept even with prune (unless prefer_file).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from io import StringIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from posters.models import Poster, PosterSpot
from posters.rules import spot_conflicts
from schedule.models import Revised
from schedule.revisions import new_revision

from .caching import bump_version
from .importers.programme_files import read_items
from .models import ImportedRow

# The models a programme file may hold, each after every model it refers to (the order they are loaded in).
PROGRAMME_MODELS = (
    "schedule.speaker",
    "schedule.workshop",
    "schedule.workshoporganizer",
    "schedule.room",
    "schedule.session",
    "schedule.sessionspeaker",
    "posters.poster",
    "posters.posterspot",
    "posters.posterauthor",
)
NOT_PROGRAMME = (
    "not part of a programme: a programme file holds workshops, rooms, speakers, sessions, posters, poster spots "
    "and their lists of people, and nothing else"
)
# The command lists this many problems and counts the others.
LISTED_PROBLEMS = 200
# Longest key or message printed for a problem: a value quoted from a hostile file stays one readable line.
PROBLEM_TEXT_LENGTH = 300
BATCH = 1000  # rows per INSERT or UPDATE
CHUNK = 500  # values per IN (...) when looking rows up


@dataclass(frozen=True)
class Problem:
    model: str
    key: str
    field: str
    message: str

    def __post_init__(self):
        # One printable line each, however the file spells its values (line breaks, terminal escapes, megabytes).
        for name in ("model", "key", "field", "message"):
            object.__setattr__(self, name, one_line(getattr(self, name)))

    def __str__(self):
        return f"{self.model} {self.key} {self.field}: {self.message}"


def one_line(text, limit=PROBLEM_TEXT_LENGTH):
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


@dataclass
class ModelChanges:
    """What a load does to the rows of one model, by natural key."""

    added: int = 0
    changed: dict = field(default_factory=dict)  # key → names of the fields that changed
    unchanged: int = 0
    missing: list = field(default_factory=list)  # keys of rows of the file's workshops that the file no longer names
    missing_pks: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # hand edits kept where the file has what the last import set
    conflicts: list = field(default_factory=list)  # hand edits kept (or replaced, prefer_file) where the file
    # changed the field too
    hand_added: list = field(default_factory=list)  # keys of rows no import set, which the file does not name


@dataclass
class Report:
    source: str
    objects: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)
    dry_run: bool = False
    prune: bool = False
    prefer_file: bool = False  # the file's values replace hand edits
    warnings: list = field(default_factory=list)  # what an importer decided that the file did not say
    models: dict = field(default_factory=dict)  # label → ModelChanges, in the order loaded

    @property
    def ok(self):
        return not self.problems

    def changes(self, label):
        return self.models.setdefault(label, ModelChanges())


class _Rollback(Exception):
    pass


# Loading


def load_items(items, *, source="", dry_run=False, prune=False, prefer_file=False):
    """prune: delete the rows of the file's workshops that the file no longer names (kept and reported otherwise).
    prefer_file: the file's values replace fields edited by hand since the last import (kept otherwise)."""
    report = Report(source=source, objects=len(items), dry_run=dry_run, prune=prune, prefer_file=prefer_file)
    by_model, foreign = _screen(items, report)
    if foreign:
        # Nothing of a file that names other models is read into the database, not even to be rolled back.
        return report
    try:
        with transaction.atomic():
            _Load(report).run(by_model)
            if report.problems or dry_run:
                raise _Rollback
            if any("pk" in item for item in items):
                advance_sequences()
    except _Rollback:
        pass
    return report


def advance_sequences():
    """Rows written with a file's own primary keys leave PostgreSQL's sequences behind them, and the admin's next new
    row would be given a key already taken and fail. As loaddata does, move each sequence of the programme's apps
    past the largest key: the statements `manage.py sqlsequencereset` prints (none on SQLite, whose keys move past
    any key written), run in the load's own transaction, before it commits, so that no row made meanwhile can take
    a key first. Its BEGIN and COMMIT lines are left out: they would end that transaction."""
    printed = StringIO()
    call_command("sqlsequencereset", *sorted({label.split(".")[0] for label in PROGRAMME_MODELS}), stdout=printed,
                 no_color=True, verbosity=0)
    script = "\n".join(line for line in printed.getvalue().splitlines() if line.strip() not in ("BEGIN;", "COMMIT;"))
    if script.strip():
        with connection.cursor() as cursor:
            cursor.execute(script)


def load_file(path, *, dry_run=False, max_bytes=None, prune=False, prefer_file=False):
    warnings = []
    items = read_items(path, warnings, max_bytes=max_bytes)
    report = load_items(items, source=str(path), dry_run=dry_run, prune=prune, prefer_file=prefer_file)
    report.warnings = warnings
    return report


def programme_models():
    return [apps.get_model(label) for label in PROGRAMME_MODELS]


def _screen(items, report):
    """{model: [(item number, item)]} of the programme's items; a problem for each other item. True as the
    second value when the file names an installed model outside the programme."""
    allowed = set(programme_models())
    by_model, foreign, models_named = defaultdict(list), False, {}
    for number, item in enumerate(items, start=1):
        label = item.get("model") if isinstance(item, dict) else None
        if label is None or not isinstance(item.get("fields"), dict):
            report.problems.append(
                Problem(str(label or "?"), _item_key(number, item), "*", "each item needs “model” and “fields”")
            )
            continue
        key = label if isinstance(label, str) else repr(label)
        if key not in models_named:
            try:
                models_named[key] = apps.get_model(label)
            except (LookupError, ValueError, TypeError, AttributeError):
                models_named[key] = None
        model = models_named[key]
        if model is None:
            report.problems.append(Problem(str(label), _item_key(number, item), "model", "unknown model"))
            continue
        if model not in allowed:
            foreign = True
            report.problems.append(Problem(str(label), _item_key(number, item), "model", NOT_PROGRAMME))
            continue
        by_model[model].append((number, item))
    return by_model, foreign


@dataclass
class _Entry:
    """One item of the file, as far as it has been read."""

    number: int
    item: dict
    obj: models.Model = None
    links: dict = field(default_factory=dict)  # ForeignKey: the object it refers to (None for none)
    self_links: dict = field(default_factory=dict)  # ForeignKey to the same model: the value in the file
    m2m: dict = field(default_factory=dict)  # ManyToManyField: the values in the file
    named: set = field(default_factory=set)  # attnames of the fields the item gives
    existed: bool = False  # updates a row of the database (or one an earlier item made)


class _Load:
    def __init__(self, report):
        self.report = report
        self.found = defaultdict(dict)  # model → {natural key: object}: rows of the database and of the file
        self.found_pk = defaultdict(dict)  # model → {pk: object}
        self.refused = defaultdict(set)  # model → natural keys and pks of refused items: what refers to them is
        # not reported again
        self.saved = []  # objects written, in the order written
        self.wrote_in_bulk = False
        self.changes = defaultdict(set)  # id(row of the database) → names of the fields the file changes in it
        self.listed = defaultdict(set)  # model → pks of the rows the file names
        self.imported = defaultdict(dict)  # model → {pk as text: what the last import set (ImportedRow.values)}
        self.setting = defaultdict(dict)  # id(object) → {attname: the file's value as JSON}

    def run(self, by_model):
        wanted = self.references(by_model)
        for model in programme_models():
            if by_model.get(model) or wanted[model][0] or wanted[model][1]:
                self.process(model, by_model.get(model, []), *wanted[model])
        # Rules across rows (overlaps, spots taken) need every row in place.
        for obj in self.saved:
            if not isinstance(obj, PosterSpot):
                self.report.problems.extend(_problems(obj, obj.clean))
        self.check_spots([obj for obj in self.saved if isinstance(obj, PosterSpot)])
        self.find_missing([model for model in programme_models() if by_model.get(model)])
        if self.report.prune and not self.report.problems:
            self.prune()
        if self.wrote_in_bulk:
            # Bulk writes send no signals: retire cached pages here, in the load's own transaction. The new
            # version becomes visible with the rows it stands for, at the commit, and a load killed just after
            # its commit cannot leave the old pages standing, as a second transaction after it could.
            bump_version()

    def check_spots(self, spots):
        """A spot's rule (one poster per spot and room) is a query per spot, and one that grows with the posters
        loaded. The rules module's bulk form of it, which the admin shows as warnings, finds in two queries the
        posters sharing a spot in the workshops loaded; the rule itself runs, for its message, on their spots."""
        workshops = sorted({spot.poster.workshop_id for spot in spots})
        shared = {}
        for start in range(0, len(workshops), CHUNK):
            posters = (
                Poster.objects.filter(workshop_id__in=workshops[start : start + CHUNK])
                .defer(*(f.name for f in Poster._meta.concrete_fields if f.generated))
                .prefetch_related("spots")
            )
            shared.update(spot_conflicts(posters))
        for spot in spots:
            if spot.poster_id in shared:
                self.report.problems.extend(_problems(spot, spot.clean))

    def find_missing(self, loaded):
        """Report the rows of the workshops the file holds that the file no longer names, for each model it holds
        items of (a file giving people as lists on sessions holds no rows of the lists' own model to compare)."""
        workshops = sorted(self.listed[apps.get_model("schedule.workshop")])
        for model in loaded:
            path = _workshop_path(model)
            if path is None or not workshops:
                continue
            pks = set()
            for start in range(0, len(workshops), CHUNK):
                rows = model._default_manager.filter(**{f"{path}__in": workshops[start : start + CHUNK]})
                pks.update(rows.values_list("pk", flat=True))
            missing = sorted(pks - self.listed[model])
            if not missing:
                continue
            changes = self.report.changes(model._meta.label_lower)
            imported = _imported(model, [str(pk) for pk in missing])
            # A row no import set was added by hand (or loaded before imports were remembered): pruned only when
            # the file is preferred to hand edits.
            hand_added = [] if self.report.prefer_file else [pk for pk in missing if str(pk) not in imported]
            missing = sorted(set(missing) - set(hand_added))
            changes.hand_added = self.keys(model, hand_added)
            if not missing:
                continue
            changes.missing = self.keys(model, missing)
            changes.missing_pks = missing

    def keys(self, model, pks):
        """The natural keys of the rows, as text, sorted."""
        related = {lookup.rsplit("__", 1)[0] for lookup in model.NATURAL_KEY if "__" in lookup}
        keys = []
        for start in range(0, len(pks), CHUNK):
            rows = model._default_manager.select_related(*related).filter(pk__in=pks[start : start + CHUNK])
            keys += [_key(row) for row in rows.defer(*(f.name for f in model._meta.concrete_fields if f.generated))]
        return sorted(keys)

    def prune(self):
        """Delete the missing rows, what refers to them before what they refer to; a row still needed (a room a
        session of the file uses) refuses the whole load."""
        for model in reversed(programme_models()):
            changes = self.report.models.get(model._meta.label_lower)
            if changes is None or not changes.missing:
                continue
            pks = changes.missing_pks
            try:
                with transaction.atomic():
                    for start in range(0, len(pks), CHUNK):
                        # A plain delete: signals record the history row and retire cached pages.
                        model._default_manager.filter(pk__in=pks[start : start + CHUNK]).delete()
                        ImportedRow.objects.filter(
                            content_type=ContentType.objects.get_for_model(model),
                            object_id__in=[str(pk) for pk in pks[start : start + CHUNK]],
                        ).delete()
            except DatabaseError as error:
                self.report.problems.append(
                    Problem(model._meta.label_lower, "*", "*", f"cannot be pruned, the database refused it: {error}")
                )
                return

    # Finding what items refer to

    def references(self, by_model):
        """model → (first parts of the natural keys items refer to it by, pks they refer to it by): the rows of
        the database worth reading."""
        wanted = defaultdict(lambda: (set(), set()))
        for model, entries in by_model.items():
            fields = _fields(model)
            for _, item in entries:
                for name, value in item["fields"].items():
                    model_field = fields.get(name)
                    if model_field is None or not model_field.is_relation or value is None:
                        continue
                    target = model_field.related_model
                    values = value if model_field.many_to_many and isinstance(value, list) else [value]
                    for one in values:
                        key = _natural_key(one)
                        if key:
                            wanted[target][0].add(key[0])
                        elif not isinstance(one, (list, tuple, dict)):
                            try:
                                wanted[target][1].add(target._meta.pk.to_python(one))
                            except ValidationError:
                                pass  # reported with the item
        return wanted

    def read_rows(self, model, firsts, pks):
        """Rows of model whose natural key starts with one of firsts, or whose pk is one of pks, with what their
        natural key and the rules read (every forward link) in the same query."""
        related = {lookup.rsplit("__", 1)[0] for lookup in model.NATURAL_KEY if "__" in lookup}
        related |= {f.name for f in model._meta.concrete_fields if f.is_relation}
        rows = model._default_manager.select_related(*related).defer(
            *(f.name for f in model._meta.concrete_fields if f.generated)
        )
        first = model.NATURAL_KEY[0]
        for lookup, values in ((f"{first}__in", sorted(firsts, key=str)), ("pk__in", sorted(pks, key=str))):
            for start in range(0, len(values), CHUNK):
                for row in rows.filter(**{lookup: values[start : start + CHUNK]}):
                    self.found[model].setdefault(_object_key(row), row)
                    self.found_pk[model].setdefault(row.pk, row)
        self.imported[model].update(_imported(model, [str(pk) for pk in self.found_pk[model]]))

    def resolve(self, model_field, value):
        """("ok", object or None) | ("refused", None) | ("missing", message) for a link's value in the file."""
        if value is None:
            return "ok", None
        target = model_field.related_model
        key = _natural_key(value)
        if key is not None:
            obj, refused = self.found[target].get(key), key in self.refused[target]
            shown = _key_text(value)
        elif isinstance(value, (list, tuple, dict)):
            return "missing", f"“{_key_text(value)}” is not a key of {target._meta.label_lower}"
        else:
            try:
                pk = target._meta.pk.to_python(value)
            except ValidationError as error:
                return "missing", "; ".join(error.messages)
            obj, refused = self.found_pk[target].get(pk), pk in self.refused[target]
            shown = str(value)
        if obj is not None:
            return "ok", obj
        if refused:
            return "refused", None
        return "missing", (
            f"refers to {target._meta.label_lower} {shown}, which is neither in the file nor in the database"
        )

    # One model

    def process(self, model, items, firsts, pks):
        label, fields = model._meta.label_lower, _fields(model)
        entries = []
        for number, item in items:
            entry = self.read_entry(model, fields, number, item)
            if entry is not None:
                entries.append(entry)
        # The rows these items update, and those other items refer to.
        for entry in entries:
            key = _object_key(entry.obj)
            if key:
                firsts.add(key[0])
            if entry.obj.pk is not None:
                pks.add(entry.obj.pk)
        self.read_rows(model, firsts, pks)
        objects = {}  # id(object): [its entries]; several items may name one row
        for entry in entries:
            entry.obj, entry.existed = self.merged(model, entry)
            objects.setdefault(id(entry.obj), []).append(entry)
        # Links to the same model (a live Q&A belongs to a talk), now that the file's objects are all known.
        for entry in entries:
            for model_field, value in entry.self_links.items():
                outcome, found = self.resolve(model_field, value)
                if outcome == "ok":
                    entry.links[model_field] = found
                    self.set_field(entry.obj, model_field, found)
                elif outcome == "missing":
                    self.refuse(entry, [Problem(label, _item_key(entry.number, entry.item), model_field.name, found)])
                else:
                    self.refuse(entry, [])
        groups = [group for group in objects.values() if not any(e.obj is None for e in group)]
        # A row the file leaves as it is gets no update, no history row and no new revision.
        unchanged = [group for group in groups if not group[-1].obj._state.adding and not self.changes[id(group[-1].obj)]]
        unchanged_ids = {id(group[-1].obj) for group in unchanged}
        writing = [group for group in groups if id(group[-1].obj) not in unchanged_ids]
        checked, clashing = [], self.clashing(model, [group[-1].obj for group in writing])
        for group in writing:
            obj = group[-1].obj
            if id(obj) in clashing:
                checked.append((group, False))
                continue
            problems = _row_problems(obj, exclude=_linked(obj), constraints=False)
            if problems:
                self.refuse_group(group, problems)
            else:
                checked.append((group, True))
        self.write(model, checked)
        self.write_m2m([(group, True) for group in unchanged])
        self.count(model, groups)
        self.remember(model, groups)

    def read_entry(self, model, fields, number, item):
        """The item's object, unsaved, with its links to other models resolved; None when it cannot be made
        (the problems reported). fields: _fields(model)."""
        entry, values, problems = _Entry(number, item), {}, []

        def problem(name, message):
            problems.append(Problem(model._meta.label_lower, _item_key(number, item), name, message))

        if "pk" in item:
            try:
                values[model._meta.pk.attname] = model._meta.pk.to_python(item["pk"])
            except ValidationError as error:
                problem("pk", "; ".join(error.messages))
        refused = False
        for name, value in item["fields"].items():
            model_field = fields.get(name)
            if model_field is None:
                problem(name, f"{model.__name__} has no field named “{name}”")
            elif model_field.many_to_many:
                entry.m2m[model_field] = value
            elif model_field.is_relation and model_field.related_model is model:
                entry.self_links[model_field] = value
            elif model_field.is_relation:
                outcome, found = self.resolve(model_field, value)
                if outcome == "ok":
                    entry.links[model_field] = found
                elif outcome == "missing":
                    problem(model_field.name, found)
                else:
                    refused = True  # what it refers to was refused, and reported
            elif model_field.generated:
                continue  # the database computes it
            else:
                try:
                    values[model_field.attname] = model_field.to_python(value)
                except ValidationError as error:
                    for message in error.messages:
                        problem(model_field.name, message)
                except (TypeError, ValueError) as error:
                    problem(model_field.name, str(error))
        entry.named = {*values, *(f.attname for f in entry.links)}
        entry.obj = model(**values, **{f.name: target for f, target in entry.links.items()})
        if problems or refused:
            self.refuse(entry, problems)
            return None
        return entry

    def merged(self, model, entry):
        """(object to write, whether it updates a row): the row this item updates (by pk, else by natural key)
        with the fields the item names set on it, or the item's new object. Fields the item does not name keep
        what is stored: schedule files carry no affiliations, video providers or spotlights, and must not blank
        them."""
        new = entry.obj
        key = _object_key(new)
        stored = self.found_pk[model].get(new.pk) if new.pk is not None else self.found[model].get(key)
        if stored is None:
            if key:
                self.found[model][key] = new
            if new.pk is not None:
                self.found_pk[model][new.pk] = new
            return new, False
        old_key = _object_key(stored)
        for model_field in model._meta.concrete_fields:
            if model_field.attname in entry.named and not model_field.primary_key:
                if model_field in entry.links:
                    self.set_field(stored, model_field, entry.links[model_field])
                else:
                    self.set_field(stored, model_field, getattr(new, model_field.attname))
        key = _object_key(stored)
        if key != old_key and self.found[model].get(old_key) is stored:
            del self.found[model][old_key]
        if key:
            self.found[model][key] = stored
        return stored, True

    def set_field(self, obj, model_field, value):
        """Give the row the file's value (an object, for a link), unless it keeps a hand edit."""
        attname = model_field.attname
        self.setting[id(obj)][attname] = _as_json(value.pk if model_field.is_relation and value is not None else value)
        if self.keeps_hand_edit(obj, model_field):
            return
        self.compare(obj, model_field, value)
        setattr(obj, model_field.name if model_field.is_relation else attname, value)

    def keeps_hand_edit(self, stored, model_field):
        """Whether the field keeps what an organizer set since the last import (reported). A field the file and
        the organizer give the same value, or one no import set yet, is no hand edit to keep."""
        if stored._state.adding:
            return False
        attname = model_field.attname
        last = self.imported[type(stored)].get(str(stored.pk), {})
        if attname not in last:
            return False
        current, given = _as_json(getattr(stored, attname)), self.setting[id(stored)][attname]
        if current == last[attname] or current == given:
            return False
        changes = self.report.changes(_label(stored))
        where = f"{_key(stored)} {model_field.name}"
        if given != last[attname]:
            outcome = "the file's value replaces it" if self.report.prefer_file else "kept"
            changes.conflicts.append(
                f"{where}: edited by hand to {_shown(current)}, the file changes it from {_shown(last[attname])} "
                f"to {_shown(given)}; {outcome}"
            )
            return not self.report.prefer_file
        if self.report.prefer_file:
            return False
        changes.kept.append(f"{where} {_shown(current)} (file: {_shown(given)})")
        return True

    def remember(self, model, groups):
        """Record what this load set on each row, for the next one to tell hand edits by."""
        content_type = ContentType.objects.get_for_model(model)
        rows = []
        for group in groups:
            obj = group[-1].obj
            if obj is None or obj.pk is None:
                continue
            if not group[0].existed:
                # A new row: every field the items name, as written.
                named = {name for entry in group for name in entry.named}
                setting = {f.attname: _as_json(getattr(obj, f.attname)) for f in model._meta.concrete_fields
                           if f.attname in named and not f.primary_key}
                setting.update(self.setting.get(id(obj), {}))
            else:
                setting = self.setting[id(obj)]
            last = self.imported[model].get(str(obj.pk))
            values = {**(last or {}), **setting}
            if values != last:
                rows.append(ImportedRow(content_type=content_type, object_id=str(obj.pk), values=values))
                self.imported[model][str(obj.pk)] = values
        ImportedRow.objects.bulk_create(
            rows, batch_size=BATCH, update_conflicts=True, unique_fields=["content_type", "object_id"],
            update_fields=["values"],
        )

    def compare(self, stored, model_field, value):
        """Note the field as changed when value (an object, for a link) differs from what the row stores."""
        if stored._state.adding:
            return  # an object of the file, written anyway
        if model_field.is_relation:
            value = None if value is None else value.pk  # None too for an object not yet written: a change
            differs = value is None and getattr(stored, model_field.attname) is not None
            differs = differs or (value is not None and value != getattr(stored, model_field.attname))
        else:
            differs = value != getattr(stored, model_field.attname)
        if differs:
            self.changes[id(stored)].add(model_field.name)

    def clashing(self, model, objects):
        """ids of the objects whose unique fields hold values another row has (in the database, or an earlier
        object of the file): they are checked and saved one by one, after the others, for the model's message."""
        clashing = set()
        for fields in _unique_sets(model):
            names = [f.attname for f in fields]
            seen, values = {}, {}
            for obj in objects:
                value = tuple(getattr(obj, name) for name in names)
                if None in value:
                    continue
                if value in seen and seen[value] is not obj:
                    clashing.add(id(obj))
                seen.setdefault(value, obj)
                values[id(obj)] = value
            firsts = sorted({value[0] for value in seen}, key=str)
            stored = defaultdict(set)
            for start in range(0, len(firsts), CHUNK):
                rows = model._default_manager.filter(**{f"{names[0]}__in": firsts[start : start + CHUNK]})
                for pk, *value in rows.values_list("pk", *names):
                    stored[tuple(value)].add(pk)
            for obj in objects:
                if id(obj) in values and stored.get(values[id(obj)], set()) - {obj.pk}:
                    clashing.add(id(obj))
        return clashing

    def write(self, model, checked):
        """Write the objects in rounds: each after the object of its own model it refers to."""
        pending = list(checked)
        while pending:
            ready, waiting, dropped = [], [], []
            for group, plain in pending:
                # Waiting for a new object of the same model (itself, in a loop) to be written first.
                blocked = [t for e in group for f, t in e.links.items() if f.related_model is model and t is not None
                           and t.pk is None]
                if not blocked:
                    ready.append((group, plain))
                elif any(self.is_refused(model, t) for t in blocked):
                    dropped.append(group)
                else:
                    waiting.append((group, plain))
            for group in dropped:
                self.refuse_group(group, [])
            if not ready:
                label = model._meta.label_lower
                for group, _ in waiting:
                    entry = group[-1]
                    names = [f.name for f in entry.links if f.related_model is model]
                    message = f"its links to other {label} rows go round in a loop, so none of them can be saved first"
                    self.refuse_group(group, [Problem(label, _key(entry.obj, entry.number), ", ".join(names), message)])
                break
            self.write_in_bulk(model, [group for group, plain in ready if plain])
            for group, plain in ready:
                if not plain:
                    self.save_one(model, group)
            pending = waiting
        self.write_m2m(checked)

    def write_m2m(self, checked):
        """ManyToMany values (items written by hand; dumpdata leaves ordered lists to their own models)."""
        for group, _ in checked:
            obj = group[-1].obj
            if obj is None or obj.pk is None or self.is_refused(type(obj), obj):
                continue
            for entry in group:
                for model_field, values in entry.m2m.items():
                    self.set_m2m(entry, model_field, values)

    def write_in_bulk(self, model, groups):
        """Write objects whose fields passed their checks, a batch at a time. The database holds the model's check and
        unique constraints and refuses a batch that breaks one: that batch is then checked and saved one object at a
        time, which names the culprit with the model's own message."""
        for start in range(0, len(groups), BATCH):
            batch = groups[start : start + BATCH]
            objects = [group[-1].obj for group in batch]
            new = [obj for obj in objects if obj._state.adding]
            old = [obj for obj in objects if not obj._state.adding]
            pks = [(obj, obj.pk) for obj in new]
            for obj in objects:
                if isinstance(obj, Revised):
                    new_revision(sender=model, instance=obj)  # every save of a Revised row gets a new revision
            try:
                with transaction.atomic():
                    if new:
                        bulk_create_with_history(new, model, batch_size=BATCH)
                    if old:
                        bulk_update_with_history(old, model, _updated_fields(model), batch_size=BATCH)
            except DatabaseError:
                for obj, pk in pks:  # as they were before the rolled-back insert
                    obj.pk, obj._state.adding = pk, True
                for group in batch:
                    self.save_one(model, group)
                continue
            self.wrote_in_bulk = True
            for group in batch:
                self.saved.append(group[-1].obj)

    def save_one(self, model, group):
        """The plain way, for a row that may clash with another: the model's own checks (the database's unique
        ones included), then a save() of its own."""
        entry = group[-1]
        obj = entry.obj
        problems = _row_problems(obj, exclude=_linked(obj), constraints=True)
        if problems:
            self.refuse_group(group, problems)
            return
        try:
            with transaction.atomic():
                obj.save()  # signals as for any save: a revision, a history row, retired pages
        except DatabaseError as error:
            message = f"the database refused it: {error}"
            self.refuse_group(group, [Problem(model._meta.label_lower, _key(obj, entry.number), "*", message)])
            return
        self.saved.append(obj)

    def set_m2m(self, entry, model_field, values):
        label = entry.obj._meta.label_lower
        if not isinstance(values, list):
            self.report.problems.append(
                Problem(label, _item_key(entry.number, entry.item), model_field.name, "must be a list")
            )
            return
        targets = []
        for value in values:
            outcome, found = self.resolve(model_field, value)
            if outcome == "missing":
                self.report.problems.append(Problem(label, _item_key(entry.number, entry.item), model_field.name, found))
            elif outcome == "ok" and found is not None:
                targets.append(found)
        manager = getattr(entry.obj, model_field.name)
        if not entry.obj._state.adding and entry.existed:
            # set() keeps the rows that stay, so only whether the list is another one is worth telling.
            if set(manager.values_list("pk", flat=True)) == {target.pk for target in targets}:
                return
            self.changes[id(entry.obj)].add(model_field.name)
        try:
            with transaction.atomic():
                manager.set(targets)
        except DatabaseError as error:
            self.report.problems.append(
                Problem(label, _key(entry.obj, entry.number), model_field.name, f"the database refused it: {error}")
            )

    def count(self, model, groups):
        """Count the items and rows of the model loaded (refused ones are reported as problems instead)."""
        changes = self.report.changes(model._meta.label_lower)
        for group in groups:
            obj = group[-1].obj
            if obj is None:
                continue
            self.listed[model].add(obj.pk)
            changed = self.changes.get(id(obj))
            if not group[0].existed:
                changes.added += 1
            elif changed:
                changes.changed[_key(obj, group[-1].number)] = sorted(changed)
            else:
                changes.unchanged += 1
            for entry in group:
                if not entry.existed:
                    self.report.created += 1
                elif changed:
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1

    def refuse(self, entry, problems):
        self.refuse_group([entry], problems)

    def refuse_group(self, group, problems):
        """Report the problems of the items naming one object, and leave it unwritten. What refers to a new object
        refused is left out in silence (its problems are the ones to fix); a row of the database whose change is
        refused is read back as it is stored, and what refers to it is checked against that."""
        self.report.problems.extend(problems)
        obj = group[-1].obj
        for entry in group:
            entry.obj = None
        if obj is None:
            return
        model, key = type(obj), _object_key(obj)
        if self.found[model].get(key) is obj:
            del self.found[model][key]
        if not obj._state.adding and self.found_pk[model].get(obj.pk) is obj:
            try:
                obj.refresh_from_db()
            except model.DoesNotExist:
                pass
            else:
                self.found[model][_object_key(obj)] = obj
                return
        if key:
            self.refused[model].add(key)
        if obj.pk is not None:
            self.refused[model].add(obj.pk)

    def is_refused(self, model, obj):
        key = _object_key(obj)
        return (key is not None and key in self.refused[model]) or (obj.pk is not None and obj.pk in self.refused[model])


def _as_json(value):
    """A field's value as the JSON ImportedRow stores it (datetimes and decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _shown(value):
    return one_line(json.dumps(value, ensure_ascii=False), 80)


def _imported(model, pks):
    """{pk as text: values} of the ImportedRow records of the rows."""
    content_type, found = ContentType.objects.get_for_model(model), {}
    for start in range(0, len(pks), CHUNK):
        rows = ImportedRow.objects.filter(content_type=content_type, object_id__in=pks[start : start + CHUNK])
        found.update(rows.values_list("object_id", "values"))
    return found


def _fields(model):
    """The fields an item may name, by name and by attname ("workshop" and "workshop_id"), as Django's
    deserializer accepts them."""
    fields = {}
    for model_field in (*model._meta.concrete_fields, *model._meta.many_to_many):
        fields[model_field.name] = fields[model_field.attname] = model_field
    return fields


def _linked(obj):
    """Names of the links that hold a row: validating them would look each up again (a query per link), while the
    database's foreign keys, or the loader's reading of the file, already vouch for them."""
    return {f.name for f in obj._meta.concrete_fields if f.is_relation and getattr(obj, f.attname) is not None}


def _workshop_path(model):
    """The lookup from the model to the workshop its rows belong to ("poster__workshop"), or None."""
    for lookup in model.NATURAL_KEY:
        if lookup.endswith("workshop__slug"):
            return lookup.removesuffix("__slug")
    return None


def _updated_fields(model):
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and not f.generated]


def _unique_sets(model):
    """The fields whose values must be unique together: unique fields and unconditional UniqueConstraints."""
    sets = [(f,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
            sets.append(tuple(model._meta.get_field(name) for name in constraint.fields))
    for names in model._meta.unique_together:
        sets.append(tuple(model._meta.get_field(name) for name in names))
    return sets


def _row_problems(obj, *, exclude, constraints):
    """What can be checked of one row before it is saved: its fields (links already resolved are not looked up
    again) and, with constraints=True, its unique fields and constraints (Django asks the database, a query and a
    savepoint each). A refused row also gets its clean() rules run, so that one report names every problem with it."""
    errors = {}

    def collect(check, **kwargs):
        try:
            check(**kwargs)
        except ValidationError as error:
            for name, messages in _messages(error):
                errors.setdefault(name, []).extend(messages)

    collect(obj.clean_fields, exclude=exclude)
    if constraints:
        collect(obj.validate_unique, exclude=set(errors))
        collect(obj.validate_constraints, exclude=set(errors))  # as full_clean() does: one message per bad field
    if errors:
        collect(obj.clean)
    return [Problem(_label(obj), _key(obj), _field(name), message) for name, messages in errors.items() for message in messages]


def _problems(obj, check):
    try:
        check()
    except ValidationError as error:
        return [Problem(_label(obj), _key(obj), _field(name), m) for name, messages in _messages(error) for m in messages]
    return []


def _messages(error):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(NON_FIELD_ERRORS, error.messages)]


def _natural_key(value):
    """A link's value as a natural key (a tuple of texts), or None when it is not a list of texts and numbers."""
    if type(value) not in (list, tuple) or not value:
        return None
    for part in value:
        if type(part) is not str and (type(part) is not int):
            return None
    return tuple(map(str, value))


def _object_key(obj):
    try:
        return tuple(str(part) for part in obj.natural_key())
    except (AttributeError, TypeError, models.ObjectDoesNotExist):
        return None


def _label(obj):
    return obj._meta.label_lower


def _key(obj, number=None):
    key = _object_key(obj)
    if key:
        return _key_text(key)
    return f"item {number}" if number else f"pk={obj.pk}"


def _key_text(value):
    return "/".join(str(part) for part in value) if isinstance(value, (list, tuple)) else str(value)


def _item_key(number, item):
    fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
    hint = next((fields[name] for name in ("slug", "label", "name") if isinstance(fields.get(name), str)), None)
    return f"item {number}" + (f" ({hint[:80]})" if hint else "")


def _field(name):
    return "*" if name == NON_FIELD_ERRORS else name
