"""The words schedules use for what a session is, read into our session kinds: one table for every importer.

A panel or a discussion is "other", not a live Q&A: a live Q&A is the questions after one talk (the ICML
importer links it to that talk), and a panel is a session of its own.
"""

import re

from schedule.models import SessionKind

POSTER = "poster"
WORDS = {
    **{value.replace("_", " "): value for value in SessionKind.values},
    **{label.casefold(): value for value, label in SessionKind.choices},
    "welcome": SessionKind.OPENING,
    "introduction": SessionKind.OPENING,
    "opening remarks": SessionKind.OPENING,
    "talk": SessionKind.INVITED_TALK,
    "keynote": SessionKind.INVITED_TALK,
    "keynote talk": SessionKind.INVITED_TALK,
    "lecture": SessionKind.INVITED_TALK,
    "q&a": SessionKind.LIVE_QA,
    "qa": SessionKind.LIVE_QA,
    "q and a": SessionKind.LIVE_QA,
    "contributed talk": SessionKind.SPOTLIGHT,
    "lightning talk": SessionKind.SPOTLIGHT,
    "short talk": SessionKind.SPOTLIGHT,
    "oral": SessionKind.SPOTLIGHT,
    "posters": SessionKind.POSTER_SESSION,
    "pause": SessionKind.BREAK,
    "coffee break": SessionKind.BREAK,
    "lunch": SessionKind.BREAK,
    "lunch break": SessionKind.BREAK,
    "closing remarks": SessionKind.CLOSING,
    "panel": SessionKind.OTHER,
    "panel discussion": SessionKind.OTHER,
    "discussion": SessionKind.OTHER,
}


def normal(word):
    """"Panel_Discussion", "panel-discussion" and " Panel  discussion " are one word."""
    return " ".join(re.sub(r"[_\-]", " ", word.casefold()).split())


def is_poster(word):
    return normal(word) == POSTER


def session_kind(word):
    """The kind the word names, or None when the table does not know it."""
    return WORDS.get(normal(word))
