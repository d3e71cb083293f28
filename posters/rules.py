"""Cross-row rules for posters, shared by the admin, the loader and every importer."""

from collections import defaultdict


def poster_problems(poster):
    problems = defaultdict(list)
    if not poster.workshop_id:
        return {}
    if poster.room_id and poster.room.workshop_id != poster.workshop_id:
        problems["room"].append(f"Room “{poster.room}” belongs to another workshop.")
    if poster.spotlight_id and poster.spotlight.workshop_id != poster.workshop_id:
        problems["spotlight"].append(f"“{poster.spotlight}” belongs to another workshop.")
    return dict(problems)


def spot_problems(spot):
    """A spot label names one place in one room: two posters cannot stand there."""
    from .models import PosterSpot

    if not spot.poster_id or not spot.label:
        return {}
    poster = spot.poster
    taken = PosterSpot.objects.filter(label=spot.label, poster__workshop_id=poster.workshop_id).exclude(
        poster_id=poster.pk
    )
    taken = taken.filter(poster__room_id=poster.room_id) if poster.room_id else taken.filter(poster__room__isnull=True)
    holder = taken.select_related("poster").first()
    if holder is None:
        return {}
    where = f"room “{poster.room}”" if poster.room_id else "the posters without a room"
    return {"label": [f"Spot {spot.label} in {where} is already taken by “{holder.poster}”."]}


def spot_conflicts(posters):
    """{poster pk: [warning, ...]} for spots held by more than one poster in one room (rows loaded raw or
    written before the rule). posters: with room and spots loaded."""
    holders = defaultdict(list)
    for poster in posters:
        for spot in poster.spots.all():
            holders[(poster.workshop_id, poster.room_id, spot.label)].append(poster)
    warnings = defaultdict(list)
    for (_, _, label), sharing in holders.items():
        if len(sharing) > 1:
            for poster in sharing:
                others = ", ".join(f"“{other}”" for other in sharing if other is not poster)
                warnings[poster.pk].append(f"Spot {label} is also taken by {others}.")
    return dict(warnings)
