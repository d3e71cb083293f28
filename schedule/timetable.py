"""Arranges a workshop's sessions into days, in the reader's zone, with the gaps between them."""

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby


@dataclass
class Gap:
    starts_at: datetime
    ends_at: datetime
    is_gap = True

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class Entry:
    session: object
    is_now: bool = False
    is_next: bool = False
    is_gap = False


@dataclass
class Day:
    date: date
    entries: list = field(default_factory=list)


def arrange(sessions, tz, now=None, live=False):
    """Days in the reader's zone; each a list of Entry and Gap in time order.

    A gap is time on the same day that no session covers. While the workshop is live, the sessions under
    way are marked now, and the next ones to start are marked next.
    """
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    upcoming = [s.starts_at for s in sessions if live and now and s.starts_at > now]
    next_start = min(upcoming, default=None)
    days = []
    for day, group in groupby(sessions, key=lambda s: s.starts_at.astimezone(tz).date()):
        entries, covered_until = [], None
        for session in group:
            if covered_until and session.starts_at > covered_until:
                entries.append(Gap(covered_until, session.starts_at))
            entries.append(
                Entry(
                    session,
                    is_now=bool(live and now and session.starts_at <= now < session.ends_at),
                    is_next=bool(next_start and session.starts_at == next_start),
                )
            )
            covered_until = max(covered_until or session.ends_at, session.ends_at)
        days.append(Day(day, entries))
    return days
