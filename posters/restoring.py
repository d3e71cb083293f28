"""Restoring an earlier version of a poster puts back its spots too, unless another poster stands there now.

Like the lists of people (schedule/restoring.py), spots are rows of their own with their own history; a
version's spots are those that stood just before the next version was saved.
"""

from schedule.restoring import version_until

from .models import Poster, PosterSpot
from .rules import spot_problems


def spots_as_of(poster, when):
    """The poster's spot labels at `when`; None when the spots' history does not reach back that far (rows
    made before history was kept) while the poster has spots now: then nothing is known."""
    history = PosterSpot.history.filter(poster_id=poster.pk)
    if not history.filter(history_date__lte=when).exists():
        return None if PosterSpot.objects.filter(poster=poster).exists() else []
    return sorted(row.label for row in PosterSpot.history.as_of(when).filter(poster_id=poster.pk))


def restore_spots(record):
    """Put back the spots of the version in `record` (a poster's historical record), all or none.

    Returns (labels, clashes): labels as restored, or None where the history does not reach back; clashes
    name each of the version's spots that another poster holds now, in which case nothing was changed.
    """
    poster = Poster.objects.select_related("room").get(pk=record.instance.pk)  # its room as just restored
    labels = spots_as_of(poster, version_until(record))
    if labels is None:
        return None, []
    clashes = _clashes(poster, labels)
    if clashes:
        return labels, clashes
    current = {spot.label: spot for spot in PosterSpot.objects.filter(poster=poster)}
    for label, spot in current.items():
        if label not in labels:
            spot.delete()
    for label in labels:
        if label not in current:
            PosterSpot.objects.create(poster=poster, label=label)
    return labels, []


def _clashes(poster, labels):
    """What the rules say of the poster standing on these spots in its room."""
    spots = (PosterSpot(poster=poster, label=label) for label in labels)
    return [problem for spot in spots for problem in spot_problems(spot).get("label", [])]


def standing_clashes(poster):
    """What the rules say of the poster's spots as they stand: spots left in place may clash in the room
    the restore just put back."""
    poster = Poster.objects.select_related("room").get(pk=poster.pk)  # as saved, not as the version says
    return _clashes(poster, PosterSpot.objects.filter(poster=poster).values_list("label", flat=True))
