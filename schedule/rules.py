"""Rules that span rows, shared by the admin, the loader and every importer.

Each function takes an unsaved or saved object and returns {field: [message, ...]}; empty means fine.
Facts about a single row live in Meta.constraints instead.
"""

from collections import defaultdict

from .timezones import day_bounds


def local_range(session):
    tz = session.workshop.tzinfo
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    return f"{start:%a %d %b %H:%M}–{end:%H:%M %Z}"


def session_problems(session):
    problems = defaultdict(list)
    if not session.workshop_id:
        return problems
    workshop = session.workshop
    if session.room_id and session.room.workshop_id != workshop.pk:
        problems["room"].append(f"Room “{session.room}” belongs to another workshop.")
    if session.belongs_to_id:
        if session.belongs_to_id == session.pk:
            problems["belongs_to"].append("A session cannot belong to itself.")
        elif session.belongs_to.workshop_id != workshop.pk:
            problems["belongs_to"].append(f"“{session.belongs_to}” belongs to another workshop.")
    if session.starts_at is None or session.ends_at is None:
        return problems
    if workshop.start_date and workshop.end_date and workshop.timezone:
        opens, closes = day_bounds(workshop.start_date, workshop.end_date, workshop.timezone)
        if session.starts_at < opens or session.ends_at > closes:
            problems["starts_at"].append(
                f"The session must take place within the workshop's dates "
                f"({workshop.start_date:%d %b %Y}–{workshop.end_date:%d %b %Y}, {workshop.timezone})."
            )
    if session.ends_at > session.starts_at:
        for other in overlapping_sessions(session)[:3]:
            where = f"room “{session.room}”" if session.room_id else "the main track"
            problems["starts_at"].append(f"Overlaps “{other}” ({local_range(other)}) in {where}.")
    return dict(problems)


def overlapping_sessions(session):
    from .models import Session

    clashes = Session.objects.filter(
        workshop_id=session.workshop_id,
        starts_at__lt=session.ends_at,
        ends_at__gt=session.starts_at,
    ).select_related("workshop")
    # A session without a room is on the workshop's main track, which is one room too.
    clashes = clashes.filter(room_id=session.room_id) if session.room_id else clashes.filter(room__isnull=True)
    if session.pk:
        clashes = clashes.exclude(pk=session.pk)
    return clashes.order_by("starts_at")


def session_conflicts(sessions):
    """{session pk: [warning, ...]} for sessions that share a room at once or a speaker at once.

    Overlaps in one room are refused on save, but rows loaded raw (loaddata) or written before the rule can
    still hold them; a speaker in two rooms at once is allowed and only warned about. sessions: a workshop's
    sessions with room and session_speakers__speaker loaded.
    """
    warnings = defaultdict(list)
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if first.workshop_id != second.workshop_id:
                continue
            if first.room_id == second.room_id:
                where = f"room “{first.room}”" if first.room_id else "the main track"
                warnings[first.pk].append(f"Overlaps “{second}” in {where}.")
                warnings[second.pk].append(f"Overlaps “{first}” in {where}.")
            shared = {e.speaker for e in first.session_speakers.all()} & {e.speaker for e in second.session_speakers.all()}
            for person in sorted(shared, key=str):
                warnings[first.pk].append(f"{person} is also in “{second}” at the same time.")
                warnings[second.pk].append(f"{person} is also in “{first}” at the same time.")
    return dict(warnings)
