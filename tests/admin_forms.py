"""Building admin form posts: the fields of a change form plus its inlines' management forms."""

INLINES = {
    "session": ["session_speakers"],
    "poster": ["spots", "poster_authors"],
    "workshop": ["workshop_organizers", "rooms"],
    "speaker": [],
    "room": [],
}


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def instant(prefix, value, workshop):
    """The admin's split date and time widgets, on the workshop's clock: the admin reads them in its zone."""
    local = value.astimezone(workshop.tzinfo)
    return {f"{prefix}_0": local.strftime("%Y-%m-%d"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def session_form(session, **changes):
    data = {
        "workshop": session.workshop_id,
        "title": session.title,
        "slug": session.slug,
        "kind": session.kind,
        **(instant("starts_at", session.starts_at, session.workshop) if session.starts_at else {}),
        **(instant("ends_at", session.ends_at, session.workshop) if session.ends_at else {}),
        "room": session.room_id or "",
        "abstract": session.abstract,
        "video_url": session.video_url,
        "video_provider": session.video_provider,
        "belongs_to": session.belongs_to_id or "",
        "seen_revision": str(session.revision) if session.pk else "",
        **management("session_speakers"),
    }
    return data | changes


def poster_form(poster, **changes):
    data = {
        "workshop": poster.workshop_id,
        "title": poster.title,
        "slug": poster.slug,
        "abstract": poster.abstract,
        "room": poster.room_id or "",
        **(instant("starts_at", poster.starts_at, poster.workshop) if poster.starts_at else {"starts_at_0": "", "starts_at_1": ""}),
        **(instant("ends_at", poster.ends_at, poster.workshop) if poster.ends_at else {"ends_at_0": "", "ends_at_1": ""}),
        "spotlight": poster.spotlight_id or "",
        "seen_revision": str(poster.revision) if poster.pk else "",
    }
    return data | changes
