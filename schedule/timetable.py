"""Arranges a workshop's sessions into days, in the workshop's zone, with the gaps between them."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
    minutes_left: int | None = None  # while it is on
    is_gap = False


@dataclass
class Day:
    date: date
    entries: list = field(default_factory=list)


def arrange(sessions, tz, now=None, live=False):
    """Days in the given zone (the workshop's: its clock comes first); each a list of Entry and Gap in time order.

    A gap is time on the same day that no session covers. While the workshop is live, the sessions under
    way are marked now, with the minutes they have left, and the next ones to start are marked next.
    """
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    upcoming = [s.starts_at for s in sessions if live and now and s.starts_at > now]
    next_start = min(upcoming, default=None)
    # Counted from the start of the minute: the rows are kept for that minute (the view's live_minute), and
    # every request within it must read the same, as sessions end on the minute.
    minute = now.replace(second=0, microsecond=0) if live and now else None
    days = []
    for day, group in groupby(sessions, key=lambda s: s.starts_at.astimezone(tz).date()):
        entries, covered_until = [], None
        for session in group:
            if covered_until and session.starts_at > covered_until:
                entries.append(Gap(covered_until, session.starts_at))
            is_now = bool(minute and session.starts_at <= now < session.ends_at)
            entries.append(
                Entry(
                    session,
                    is_now=is_now,
                    is_next=bool(next_start and session.starts_at == next_start),
                    minutes_left=math.ceil((session.ends_at - minute) / timedelta(minutes=1)) if is_now else None,
                )
            )
            covered_until = max(covered_until or session.ends_at, session.ends_at)
        days.append(Day(day, entries))
    return days
