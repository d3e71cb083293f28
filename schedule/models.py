import uuid
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.db.models.query import ModelIterable
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import rules
from .prepared import AmongIds, PreparedQuery, ids_text
from .timezones import validate_zone_name, zone


class NaturalKeyManager(models.Manager):
    """Looks rows up by the fields named in the model's NATURAL_KEY lookups, so fixtures need no ids."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.NATURAL_KEY, key, strict=True)))


class Revised(models.Model):
    """A row organizers edit. Its revision changes on every save (see revisions.py), so a form opened before
    someone else's save can be told apart from a fresh one and refused instead of overwriting that save."""

    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Speaker(Revised):
    """One row per person, however many sessions and posters they appear in."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(blank=True)

    NATURAL_KEY = ("slug",)
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "slug"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Workshop(Revised):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=60, unique=True)
    conference = models.CharField(max_length=100, blank=True, help_text="For example “ICML 2021”.")
    start_date = models.DateField()
    end_date = models.DateField()
    timezone = models.CharField(
        max_length=64, validators=[validate_zone_name], help_text="IANA name, for example America/Los_Angeles."
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    organizers = models.ManyToManyField(
        Speaker, through="WorkshopOrganizer", blank=True, related_name="organized_workshops"
    )

    NATURAL_KEY = ("slug",)
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="workshop_ends_on_or_after_its_start",
                violation_error_message="The workshop cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("schedule:timetable", kwargs={"workshop": self.slug})

    @property
    def tzinfo(self):
        return zone(self.timezone)


def workshop_finder(**annotations):
    """A function from a slug to that Workshop, or None, with each annotation's value as an attribute.

    Every page of a workshop starts by finding it, so this is Workshop.objects.get(slug=...) prepared
    (prepared.py). annotations maps names to functions that make the expression, run when first compiled.
    """
    fields = [field.attname for field in Workshop._meta.concrete_fields]
    query = PreparedQuery(
        lambda slug: Workshop.objects.filter(slug=slug)
        .annotate(**{name: make() for name, make in annotations.items()})
        .values_list(*fields, *annotations)
    )

    def find(slug, using=DEFAULT_DB_ALIAS):
        rows = query(slug, using=using)
        if not rows:
            return None
        workshop = Workshop.from_db(using, fields, rows[0][: len(fields)])
        for name, value in zip(annotations, rows[0][len(fields) :]):
            setattr(workshop, name, value)
        return workshop

    return find


class RoomKind(models.TextChoices):
    STREAM = "stream", "Stream"
    VIRTUAL_WORLD = "virtual_world", "Virtual world"
    PHYSICAL = "physical", "Physical room"


class Room(Revised):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=RoomKind, default=RoomKind.PHYSICAL)
    url = models.URLField(blank=True, max_length=500, help_text="Where to join, for a stream or a virtual world.")
    position = models.PositiveIntegerField(default=0, help_text="Rooms are listed in this order.")

    NATURAL_KEY = ("workshop__slug", "slug")
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["workshop", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "slug"], name="room_slug_unique_per_workshop"),
            models.CheckConstraint(condition=Q(kind__in=RoomKind.values), name="room_kind_is_known"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return self.workshop.natural_key() + (self.slug,)

    natural_key.dependencies = ["schedule.workshop"]


_ROOM_CHOICES = PreparedQuery(lambda workshop_id: Room.objects.filter(workshop=workshop_id).values_list("slug", "name"))


def room_choices(workshop):
    """(slug, name) of the workshop's rooms in order, prepared (prepared.py): every search offers them."""
    return _ROOM_CHOICES(workshop.pk)


class SessionKind(models.TextChoices):
    OPENING = "opening", "Opening"
    INVITED_TALK = "invited_talk", "Invited talk"
    LIVE_QA = "live_qa", "Live Q&A"
    SPOTLIGHT = "spotlight", "Spotlight"
    POSTER_SESSION = "poster_session", "Poster session"
    BREAK = "break", "Break"
    CLOSING = "closing", "Closing"
    OTHER = "other", "Other"


class SessionQuerySet(models.QuerySet):
    def with_speakers(self):
        """session.speaker_list: its speakers in order, as PersonLinks (see WithPeople)."""
        return SessionsWithSpeakers.attach_to(self)

    def for_timetable(self, workshop):
        return self.filter(workshop=workshop).select_related("room").with_speakers()

    def for_detail(self, workshop):
        # "poster" is the posters app's one-to-one link to a spotlight; naming it here saves a query per page.
        return (
            self.filter(workshop=workshop)
            .select_related("room", "belongs_to", "poster__room")
            .with_speakers()
            .prefetch_related(models.Prefetch("attached_sessions", Session.objects.order_by("starts_at")))
        )


class Session(Revised):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120)
    guid = models.UUIDField(
        "GUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identity in calendars and schedule apps; it survives every edit, the slug included.",
    )
    kind = models.CharField(max_length=20, choices=SessionKind)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(
        Room,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Leave empty for the workshop's main track.",
    )
    abstract = models.TextField(blank=True)
    video_url = models.URLField(blank=True, max_length=500)
    video_provider = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who hosts the recording, for example “SlidesLive”, when there is a video but no link yet.",
    )
    speakers = models.ManyToManyField(Speaker, through="SessionSpeaker", blank=True, related_name="sessions")
    belongs_to = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="attached_sessions",
        help_text="The talk this session belongs to, for example the talk a live Q&A follows.",
    )

    NATURAL_KEY = ("workshop__slug", "slug")
    objects = NaturalKeyManager.from_queryset(SessionQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "slug"], name="session_slug_unique_per_workshop"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="session_kind_is_known"),
        ]
        indexes = [models.Index(fields=["workshop", "starts_at"], name="session_workshop_start_idx")]

    def __str__(self):
        return self.title

    def natural_key(self):
        return self.workshop.natural_key() + (self.slug,)

    natural_key.dependencies = ["schedule.workshop", "schedule.room"]

    def get_absolute_url(self):
        return reverse("schedule:session-detail", kwargs={"workshop": self.workshop.slug, "slug": self.slug})

    @property
    def has_video(self):
        return bool(self.video_url or self.video_provider)

    def clean(self):
        problems = rules.session_problems(self)
        if problems:
            raise ValidationError(problems)


class OrderedPerson(models.Model):
    """A person's place in an ordered list (speakers, authors, organizers): the order is data."""

    speaker = models.ForeignKey(Speaker, models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.position + 1}. {self.speaker}"


class PersonLink(NamedTuple):
    """A person as a list of speakers, authors or organizers shows them."""

    slug: str
    name: str
    affiliation: str


@lru_cache(maxsize=None)
def _people_query(through, owner_field):
    return PreparedQuery(
        lambda owner_ids: through.objects.filter(AmongIds(owner_field, owner_ids))
        .order_by(owner_field, "position", "id")
        .values_list(owner_field, "speaker__slug", "speaker__name", "speaker__affiliation")
    )


def people_lists(through, owner_field, owner_ids, using=DEFAULT_DB_ALIAS):
    """{owner id: [PersonLink, ...] in list order} for an ordered list (OrderedPerson), in one query."""
    lists = {owner_id: [] for owner_id in owner_ids}
    if lists:
        for owner_id, *person in _people_query(through, owner_field)(ids_text(lists), using=using):
            lists[owner_id].append(PersonLink(*person))
    return lists


class WithPeople(ModelIterable):
    """A QuerySet's rows with each one's ordered list of people attached as a plain list.

    prefetch_related would build a model instance for every list entry and another for its person, through
    machinery that cost twice this single values() query on a timetable (1.1 ms against 0.5 ms for 17
    sessions), and pages list people on every row. Subclasses name the list; a QuerySet method installs one
    as its _iterable_class, the ORM's own hook for what a QuerySet yields (values() uses it)."""

    through = owner_field = attribute = None

    @classmethod
    def attach_to(cls, queryset):
        clone = queryset._chain()
        clone._iterable_class = cls
        return clone

    @classmethod
    def attach_lists(cls, rows, using=DEFAULT_DB_ALIAS):
        lists = people_lists(cls.through, cls.owner_field, [row.pk for row in rows], using=using)
        for row in rows:
            setattr(row, cls.attribute, lists[row.pk])
        return rows

    def __iter__(self):
        return iter(self.attach_lists(list(super().__iter__()), using=self.queryset.db))


class SessionSpeaker(OrderedPerson):
    session = models.ForeignKey(Session, models.CASCADE, related_name="session_speakers")
    speaker = models.ForeignKey(Speaker, models.PROTECT, related_name="session_appearances")

    NATURAL_KEY = ("session__workshop__slug", "session__slug", "speaker__slug")
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta(OrderedPerson.Meta):
        constraints = [
            models.UniqueConstraint(fields=["session", "speaker"], name="sessionspeaker_person_listed_once"),
        ]

    def natural_key(self):
        return self.session.natural_key() + self.speaker.natural_key()

    natural_key.dependencies = ["schedule.session", "schedule.speaker"]


class WorkshopOrganizer(OrderedPerson):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="workshop_organizers")
    speaker = models.ForeignKey(Speaker, models.PROTECT, related_name="organizer_roles")

    NATURAL_KEY = ("workshop__slug", "speaker__slug")
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta(OrderedPerson.Meta):
        constraints = [
            models.UniqueConstraint(fields=["workshop", "speaker"], name="workshoporganizer_person_listed_once"),
        ]

    def natural_key(self):
        return self.workshop.natural_key() + self.speaker.natural_key()

    natural_key.dependencies = ["schedule.workshop", "schedule.speaker"]


class SessionsWithSpeakers(WithPeople):
    through, owner_field, attribute = SessionSpeaker, "session", "speaker_list"


def _fields(model):
    return [field.attname for field in model._meta.concrete_fields]


def columns_with_room(model):
    """The columns of a prepared query (prepared.py) whose rows instances_with_room reads: the model's own,
    then its room's."""
    return [*_fields(model), *(f"room__{name}" for name in _fields(Room))]


def instances_with_room(model, rows, using=DEFAULT_DB_ALIAS):
    """Instances of model from rows of columns_with_room(model), each with its room as select_related sets it."""
    fields, room_fields = _fields(model), _fields(Room)
    cut, made = len(fields), []
    for row in rows:
        instance = model.from_db(using, fields, row[:cut])
        instance.room = Room.from_db(using, room_fields, row[cut:]) if instance.room_id is not None else None
        made.append(instance)
    return made


_TIMETABLE_ROWS = PreparedQuery(
    lambda workshop_id: Session.objects.for_timetable(workshop_id).values_list(*columns_with_room(Session))
)


def timetable_sessions(workshop, using=DEFAULT_DB_ALIAS):
    """list(Session.objects.for_timetable(workshop)), prepared (prepared.py): the timetable and the exports read
    a workshop's whole programme on every request. Each session's room is the select_related one would be."""
    sessions = instances_with_room(Session, _TIMETABLE_ROWS(workshop.pk, using=using), using=using)
    return SessionsWithSpeakers.attach_lists(sessions, using=using)
