"""Restoring an earlier version of a session, poster or workshop puts back its lists of people too.

The admin's restore form (django-simple-history) sets the row's own fields; the speakers, authors and
organizers are rows of their own, with their own history. A version's list is the list as it stood just
before the next version was saved: an admin save writes the row first and its inline rows after, so the
list that goes with a version is recorded a moment after it.
"""

from datetime import timedelta

from django.utils import timezone

from .models import Speaker
from .ordered_lists import lists_of, set_people

JUST_BEFORE = timedelta(microseconds=1)


def list_as_of(instance, through, owner, when):
    """The people of instance's list at `when`, in order; None when that list's history does not reach back
    that far (rows made before history was kept) while the list has people now: then nothing is known."""
    history = through.history.filter(**{f"{owner}_id": instance.pk})
    if not history.filter(history_date__lte=when).exists():
        return None if through.objects.filter(**{owner: instance}).exists() else []
    rows = through.history.as_of(when).filter(**{f"{owner}_id": instance.pk}).order_by("position", "id")
    speaker_ids = [row.speaker_id for row in rows]
    people = Speaker.objects.in_bulk(speaker_ids)
    return [people[pk] for pk in speaker_ids if pk in people]  # a person deleted since cannot come back


def version_until(record):
    """The moment at which the rows that belong to the version in `record` (a historical record) stood as
    they went with it: just before the next version was saved, or now for the latest."""
    instance = record.instance
    later = type(record).objects.filter(
        **{instance._meta.pk.attname: instance.pk}, history_date__gt=record.history_date
    ).order_by("history_date").first()
    return later.history_date - JUST_BEFORE if later else timezone.now()


def restore_lists(record):
    """Put back the lists of the version in `record` (a historical record of a session, poster or workshop).
    Returns [(list's verbose name, people restored, or None where the history does not reach back)]."""
    instance, until = record.instance, version_until(record)
    outcomes = []
    for through, owner in lists_of(type(instance)):
        people = list_as_of(instance, through, owner, until)
        if people is not None:
            set_people(instance, through, owner, people)
        outcomes.append((through._meta.verbose_name_plural, people))
    return outcomes
