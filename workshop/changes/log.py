"""What changed in a workshop's published programme, read from the history django-simple-history keeps of every
programme row, whoever wrote it (admin, loader, imports, scripts). Python builds the changes as data (Change);
the templates in templates/changes/ put them into words.

The rules:

* The first publication is not a change. A workshop is published when it is created: whatever is created in it
  within PUBLICATION_WINDOW of the workshop's own creation record came with it (the load that made it) and is
  not "Added". A workshop without a creation record (loaded raw by loaddata, or made before history was kept)
  was published before its history begins, so every creation recorded in it is "Added".
* Only what attendees see is compared: titles, times, rooms, kinds, abstracts, videos, speakers and authors,
  spots. Internal fields (revision, guid, search document, slug) never are, so a save that changed nothing an
  attendee sees, such as a reload of an unchanged fixture, lists nothing.
* A save with no earlier record to compare with (the first recorded save of a row loaded raw) is where that
  row's history begins: it lists nothing, and the next save is compared with it.
* A save the organizer marked minor in the admin (history_change_reason MINOR_EDIT) lists nothing; the next
  change is compared with what it left.
* Speakers, authors and spots saved with a new session or poster are part of its "Added"; their reordering is
  not listed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone

from posters.models import Poster, PosterAuthor, PosterSpot
from schedule.admin import MINOR_EDIT
from schedule.models import Session, SessionSpeaker, Workshop

PUBLICATION_WINDOW = timedelta(minutes=15)  # a NeurIPS-sized load takes a few minutes
ONE_SAVE = timedelta(seconds=5)  # an admin save writes its row, then its inline rows, within this
RECENT = timedelta(hours=24)  # how long pages mark an entry as changed

SESSION_FIELDS = ["title", "starts_at", "ends_at", "room", "kind", "abstract", "video_url", "video_provider"]
POSTER_FIELDS = ["title", "starts_at", "ends_at", "room", "abstract"]


@dataclass(frozen=True)
class Item:
    """What a change is about: a session or a poster, as last recorded."""

    workshop: str  # its workshop's slug
    model: str  # "session" or "poster"
    pk: int
    title: str
    slug: str
    exists: bool  # still in the programme, so its page can be linked

    @property
    def url(self):
        if not self.exists:
            return None
        name = "schedule:session-detail" if self.model == "session" else "posters:poster-detail"
        return reverse(name, args=[self.workshop, self.slug])


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    other_day: bool = False  # on another day (in the workshop's zone) than the slot it is compared with


@dataclass(frozen=True)
class Place:
    spots: tuple
    room: str


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, moved, retitled, room, kind, abstract, video, person-added, person-removed, placed
    label: str  # "Moved", "Speaker added": how the change log and the marks name it
    item: Item
    at: datetime
    key: str  # unique and stable: the change log's anchor, the feed entry's id
    before: object = None  # str, Slot or Place, as the kind says
    after: object = None


@dataclass(frozen=True)
class Source:
    model: type
    name: str
    fields: list
    people: type
    role: str  # what a person in its list is called


SOURCES = {
    "session": Source(Session, "session", SESSION_FIELDS, SessionSpeaker, "Speaker"),
    "poster": Source(Poster, "poster", POSTER_FIELDS, PosterAuthor, "Author"),
}


def publication(workshop):
    """The moment the workshop's creation was recorded, for each history row to be read against."""
    created = Workshop.history.filter(id=workshop.pk, history_type="+").order_by("history_date")
    return Subquery(created.values("history_date")[:1])


def came_with_publication(record):
    published_at = record.published_at
    return published_at is not None and record.history_date <= published_at + PUBLICATION_WINDOW


def counts(record):
    """Whether a history row may be listed at all: not minor, not part of the first publication."""
    if record.history_change_reason == MINOR_EDIT:
        return False
    return not (record.history_type == "+" and came_with_publication(record))


def slot(record, other=None, tz=None):
    if record.starts_at is None:
        return None
    other_day = bool(other and other.starts_at and
                     record.starts_at.astimezone(tz).date() != other.starts_at.astimezone(tz).date())
    return Slot(record.starts_at, record.ends_at, other_day)


def room_name(record):
    return record.room.name if record.room_id and record.room else ""


def edits(source, before, after, item, tz):
    """What an edit changed that attendees see, one Change each."""
    changed = set(after.diff_against(before, included_fields=source.fields).changed_fields)
    made = []

    def change(kind, label, old, new):
        made.append(Change(kind, label, item, after.history_date, f"{source.name}-{after.history_id}-{kind}", old, new))

    if changed & {"starts_at", "ends_at"}:
        change("moved", "Moved", slot(before, after, tz), slot(after, before, tz))
    if "title" in changed:
        change("retitled", "Retitled", before.title, after.title)
    if "room" in changed:
        change("room", "Room changed", room_name(before), room_name(after))
    if "kind" in changed:
        change("kind", "Now a different kind of session", before.get_kind_display(), after.get_kind_display())
    if "abstract" in changed:
        change("abstract", "Abstract updated", None, None)
    if changed & {"video_url", "video_provider"}:
        change("video", "Video updated", None, None)
    return made


def owner_changes(source, records, workshop):
    """The changes of sessions or posters themselves, from their history rows ordered by row and time; with
    {pk: [moments each was created]}, for the rows saved with a creation to be told apart, and {pk: Item}."""
    made, created, items = [], {}, {}
    for pk, rows in groupby(records, key=lambda record: record.id):
        rows = list(rows)
        latest = rows[-1]
        item = items[pk] = Item(workshop.slug, source.name, pk, latest.title, latest.slug, latest.history_type != "-")
        previous = None
        for record in rows:
            if record.history_type == "+":
                created.setdefault(pk, []).append(record.history_date)
            if counts(record):
                if record.history_type == "+":
                    made.append(Change("added", "Added", item, record.history_date,
                                       f"{source.name}-{record.history_id}-added", None, slot(record)))
                elif record.history_type == "-":
                    made.append(removed_change(source, record, item))
                elif previous is not None:
                    made += edits(source, previous, record, item, workshop.tzinfo)
            previous = record
    return made, created, items


def saved_with_creation(created, pk, at):
    return any(timedelta(0) <= at - moment <= ONE_SAVE for moment in created.get(pk, ()))


def live_item(source, owner, workshop):
    return Item(workshop.slug, source.name, owner.pk, owner.title, owner.slug, True)


def people_changes(source, records, created, workshop):
    """A person added to or taken off a session's speakers or a poster's authors."""
    made = []
    for record in records:
        owner = getattr(record, source.name)
        if not counts(record) or saved_with_creation(created, owner.pk, record.history_date):
            continue
        added = record.history_type == "+"
        made.append(Change(
            "person-added" if added else "person-removed",
            f"{source.role} {'added' if added else 'removed'}",
            live_item(source, owner, workshop),
            record.history_date,
            f"{source.name}-{source.role.lower()}-{record.history_id}",
            None if added else record.speaker.name,
            record.speaker.name if added else None,
        ))
    return made


def in_saves(records):
    """Consecutive rows of one poster's spots, cut where more than ONE_SAVE passes between two."""
    save = []
    for record in records:
        if save and record.history_date - save[-1].history_date > ONE_SAVE:
            yield save
            save = []
        save.append(record)
    if save:
        yield save


def spot_changes(records, created, room_moves, workshop):
    """A poster moved to other spots (and perhaps another room in the same save): one Change per save, from the
    spots' history rows ordered by poster and time. room_moves ({(poster pk, moment): (old room, new room)}, from
    the posters' own rows) are taken into the Change of the save they belong to."""
    source, made = SOURCES["poster"], []
    for poster_pk, rows in groupby(records, key=lambda record: record.poster_id):
        labels = {}  # spot id: its label as last recorded
        for save in in_saves(rows):
            taken, given = [], []
            for record in save:
                old = labels.get(record.id)
                if counts(record) and not saved_with_creation(created, poster_pk, record.history_date):
                    if record.history_type == "+":
                        given.append(record.label)
                    elif record.history_type == "-":
                        taken.append(record.label)
                    elif old is not None and old != record.label:
                        taken.append(old)
                        given.append(record.label)
                if record.history_type == "-":
                    labels.pop(record.id, None)
                else:
                    labels[record.id] = record.label
            before = tuple(label for label in taken if label not in given)
            after = tuple(label for label in given if label not in taken)
            if not (before or after):
                continue
            poster, at = save[0].poster, save[0].history_date
            room = room_moves.pop(nearby(room_moves, poster_pk, at), None)
            old_room, new_room = room or (room_name(poster), room_name(poster))
            made.append(Change("placed", "Poster moved", live_item(source, poster, workshop), at,
                               f"poster-spots-{save[0].history_id}", Place(before, old_room), Place(after, new_room)))
    return made


def nearby(room_moves, poster_pk, at):
    return next((key for key in room_moves if key[0] == poster_pk and abs(key[1] - at) <= ONE_SAVE), None)


def changes(workshop, models=("session", "poster"), since=None, pks=None, people=True):
    """The workshop's changes, newest first: of its sessions and posters (models), or of those whose pks are
    given, since a moment or ever; with or without changes to their lists of people. One query for each kind of
    row read (sessions or posters, their people, posters' spots), however long the programme or its history."""
    published = publication(workshop)
    made = []
    for name in models:
        source = SOURCES[name]
        history = source.model.history.filter(workshop_id=workshop.pk)
        if pks is not None:
            history = history.filter(id__in=pks)
        if since is not None:
            # Every row of what changed lately, the older ones too: an edit is told by comparing with the row before.
            history = history.filter(id__in=history.filter(history_date__gte=since).values("id"))
        records = history.select_related("room").annotate(published_at=published).order_by(
            "id", "history_date", "history_id")
        owned, created, items = owner_changes(source, records, workshop)
        if name == "poster":
            room_moves = {(change.item.pk, change.at): (change.before, change.after)
                          for change in owned if change.kind == "room"}
            owned = [change for change in owned if change.kind != "room"]
            spots = spot_history(workshop, pks, since).annotate(published_at=published)
            owned += spot_changes(spots, created, room_moves, workshop)
            owned += [room_only_move(items[poster_pk], at, rooms)
                      for (poster_pk, at), rooms in room_moves.items()]
        made += owned
        if people:
            people_rows = source.people.history.filter(**{f"{name}__workshop": workshop}, history_type__in="+-")
            if pks is not None:
                people_rows = people_rows.filter(**{f"{name}_id__in": pks})
            if since is not None:
                people_rows = people_rows.filter(history_date__gte=since)
            people_rows = people_rows.select_related("speaker", name).annotate(published_at=published)
            made += people_changes(source, people_rows.order_by("history_date", "history_id"), created, workshop)
    if since is not None:
        made = [change for change in made if change.at >= since]
    return sorted(made, key=lambda change: (change.at, change.key), reverse=True)


def spot_history(workshop, pks, since):
    rows = PosterSpot.history.filter(poster__workshop=workshop)
    if pks is not None:
        rows = rows.filter(poster_id__in=pks)
    if since is not None:
        rows = rows.filter(poster_id__in=rows.filter(history_date__gte=since).values("poster_id"))
    return rows.select_related("poster__room").order_by("poster_id", "history_date", "history_id")


def room_only_move(item, at, rooms):
    old_room, new_room = rooms
    return Change("placed", "Poster moved", item, at, f"poster-room-{item.pk}-{at.timestamp()}",
                  Place((), old_room), Place((), new_room))


def recent_marks(workshop, model, pk=None, now=None):
    """{item pk: its latest change} of the workshop's sessions or posters (model) changed within RECENT of now:
    two queries for a whole page. A poster's authors are left to the change log, to keep it at two."""
    since = (now or timezone.now()) - RECENT
    marks = {}
    pks = None if pk is None else [pk]
    for change in changes(workshop, (model,), since=since, pks=pks, people=model == "session"):
        marks.setdefault(change.item.pk, change)
    return marks


def agenda_changes(workshop, sessions, posters, since):
    """{(model, pk): [its changes since the moment, newest first]} of the sessions and posters given (a personal
    agenda). The changes are read as the change log reads them, so the agenda and the log never tell a change
    differently, but of the agenda's items only: at most five queries whatever it holds, none for a kind it has
    no item of."""
    asked = {"session": {item.pk for item in sessions}, "poster": {item.pk for item in posters}}
    found = {}
    for model, pks in asked.items():
        if pks:
            for change in changes(workshop, (model,), since=since, pks=sorted(pks)):
                found.setdefault((model, change.item.pk), []).append(change)
    return found


def removed_rows(workshop, model, pks):
    """The history rows recording the removal of the workshop's sessions or posters (model) among pks, latest
    first for each: what a starred item that is gone last was. Keys of other workshops, or of rows never
    recorded, find nothing."""
    return SOURCES[model].model.history.filter(workshop_id=workshop.pk, id__in=pks, history_type="-").order_by(
        "id", "-history_date", "-history_id")


def removed_change(source, record, item):
    """The "Removed" Change of a history row of deletion, with the slot the item last had."""
    return Change("removed", "Removed", item, record.history_date, f"{source.name}-{record.history_id}-removed",
                  slot(record), None)


def removals(workshop, model, pks):
    """{pk: its "Removed" Change, with the slot it last had} of those among pks removed from the programme: one
    query, none without keys."""
    if not pks:
        return {}
    source, removed = SOURCES[model], {}
    for record in removed_rows(workshop, model, pks):
        if record.id not in removed:
            item = Item(workshop.slug, source.name, record.id, record.title, record.slug, False)
            removed[record.id] = removed_change(source, record, item)
    return removed
