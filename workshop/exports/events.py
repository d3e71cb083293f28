"""What every export format is written from: a programme as plain, timed events.

Views build these from QuerySets (sessions here; posters with a time on the posters side) and hand them
to one formatter module per format. Formatters see no models and make no queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Person:
    name: str
    slug: str
    url: str = ""  # absolute URL of the person's page


@dataclass(frozen=True)
class Room:
    name: str
    slug: str
    url: str = ""  # where to join (a stream, a virtual world), if anywhere
    guid: str = ""


@dataclass(frozen=True)
class Event:
    guid: str  # stable across edits: calendars' UID, frab's guid
    slug: str
    title: str
    kind: str  # machine code: "invited_talk", "spotlight", "poster", ...
    kind_label: str  # for people: "Invited talk"
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    url: str  # absolute URL of the event's page
    abstract: str = ""
    people: tuple = ()  # Person, in their listed order
    room: Room | None = None  # None: the workshop's main track
    video_url: str = ""
    video_provider: str = ""
    updated_at: datetime | None = None

    @property
    def duration(self):
        return self.ends_at - self.starts_at


@dataclass(frozen=True)
class Programme:
    slug: str  # the workshop's slug; also frab's conference acronym
    title: str
    conference: str
    start_date: date
    end_date: date
    timezone: str  # IANA name
    url: str  # absolute URL of the timetable
    description: str = ""
    events: tuple = ()  # Event, in time order
    rooms: tuple = ()  # Room, in their listed order (rooms without events included)
    main_track: str = "Main track"  # the room name used for events without a room
    extra: dict = field(default_factory=dict)
