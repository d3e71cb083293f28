import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import rules
from .links import WebURLField
from .search_documents import search_document
from .timezones import validate_zone_name, zone


# The most characters an abstract or a description may have: several times any real one (the seed's longest abstract
# has 1,546), and a bound on what a file can make the database store and every page carry. Django enforces a
# TextField's max_length only in forms (the admin's textarea), so the validator refuses longer text in full_clean(),
# that is in load_workshop and the spreadsheet imports too.
LONG_TEXT_LENGTH = 20_000


def long_text_limit():
    return [MaxLengthValidator(LONG_TEXT_LENGTH)]


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


class Listed(Revised):
    """A session or a poster: what calendars and schedule apps keep track of, and what searches read."""

    guid = models.UUIDField(
        "GUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identity in calendars and schedule apps; it survives every edit, the slug included.",
    )
    # The title and abstract as the database searches them, kept up to date by the database on every write,
    # whoever writes (search_documents.py).
    search_document = search_document()

    NATURAL_KEY = ("workshop__slug", "slug")
    history = HistoricalRecords(excluded_fields=["search_document"], inherit=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def natural_key(self):
        # Serializers order rows by their links to models with natural keys: no dependencies to declare.
        return self.workshop.natural_key() + (self.slug,)


class Speaker(Revised):
    """One row per person, however many sessions and posters they appear in."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = WebURLField(blank=True)

    NATURAL_KEY = ("slug",)
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "slug"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class WorkshopQuerySet(models.QuerySet):
    def with_organizers(self):
        return self.prefetch_related(in_list_order(WorkshopOrganizer, "workshop_organizers", "organizer_entries"))


class Workshop(Revised):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=60, unique=True)
    conference = models.CharField(max_length=100, blank=True, help_text="For example “ICML 2021”.")
    start_date = models.DateField()
    end_date = models.DateField()
    timezone = models.CharField(
        max_length=64, validators=[validate_zone_name], help_text="IANA name, for example America/Los_Angeles."
    )
    description = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH, validators=long_text_limit())
    website = WebURLField(blank=True)
    print_second_timezone = models.CharField(
        "second zone on the printed programme",
        max_length=64,
        blank=True,
        validators=[validate_zone_name],
        help_text="IANA name, for example Europe/Berlin: the printed programme shows each session's time in this "
        "zone too. Leave empty for the workshop's zone alone.",
    )
    organizers = models.ManyToManyField(
        Speaker, through="WorkshopOrganizer", blank=True, related_name="organized_workshops"
    )

    NATURAL_KEY = ("slug",)
    objects = NaturalKeyManager.from_queryset(WorkshopQuerySet)()
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

    @property
    def organizer_list(self):
        """Its organizers in order; WorkshopQuerySet.with_organizers() loads them with the workshop."""
        return listed_people(self, "organizer_entries", "workshop_organizers")


class RoomKind(models.TextChoices):
    STREAM = "stream", "Stream"
    VIRTUAL_WORLD = "virtual_world", "Virtual world"
    PHYSICAL = "physical", "Physical room"


class Room(Revised):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=RoomKind, default=RoomKind.PHYSICAL)
    url = WebURLField(blank=True, max_length=500, help_text="Where to join, for a stream or a virtual world.")
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


class SessionKind(models.TextChoices):
    OPENING = "opening", "Opening"
    INVITED_TALK = "invited_talk", "Invited talk"
    LIVE_QA = "live_qa", "Live Q&A"
    SPOTLIGHT = "spotlight", "Spotlight"
    POSTER_SESSION = "poster_session", "Poster session"
    BREAK = "break", "Break"
    CLOSING = "closing", "Closing"
    OTHER = "other", "Other"


def in_list_order(through, relation, to_attr):
    """Prefetches an ordered list's entries (OrderedPerson rows of through) with their people, in list order,
    into to_attr: one query for all the rows of a page, however many there are."""
    return models.Prefetch(relation, through.objects.select_related("speaker"), to_attr=to_attr)


def listed_people(owner, to_attr, relation):
    """The people of owner's ordered list, from its prefetched entries (in_list_order), else from a query."""
    entries = getattr(owner, to_attr, None)
    if entries is None:
        entries = getattr(owner, relation).select_related("speaker")
    return [entry.speaker for entry in entries]


class SessionQuerySet(models.QuerySet):
    def for_timetable(self, workshop):
        """The workshop's sessions as every list of them shows them: with their room and speaker_list."""
        return (
            self.filter(workshop=workshop)
            .defer("search_document")  # the database's own, to search with; pages never show it
            .select_related("room")
            .prefetch_related(in_list_order(SessionSpeaker, "session_speakers", "speaker_entries"))
        )

    def for_detail(self, workshop):
        # "poster" is the posters app's one-to-one link to a spotlight; naming it here saves a query per page.
        return (
            self.for_timetable(workshop)
            .select_related("belongs_to", "poster__room")
            .prefetch_related(models.Prefetch("attached_sessions", Session.objects.order_by("starts_at")))
        )


class Session(Listed):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=20, choices=SessionKind)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(
        Room, models.PROTECT, null=True, blank=True, related_name="sessions",
        help_text="Leave empty for the workshop's main track.",
    )
    abstract = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH, validators=long_text_limit())
    video_url = WebURLField(blank=True, max_length=500)
    video_provider = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who hosts the recording, for example “SlidesLive”, when there is a video but no link yet.",
    )
    speakers = models.ManyToManyField(Speaker, through="SessionSpeaker", blank=True, related_name="sessions")
    belongs_to = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="attached_sessions",
        help_text="The talk this session belongs to, for example the talk a live Q&A follows.",
    )

    objects = NaturalKeyManager.from_queryset(SessionQuerySet)()

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

    def get_absolute_url(self):
        return reverse("schedule:session-detail", kwargs={"workshop": self.workshop.slug, "slug": self.slug})

    @property
    def has_video(self):
        return bool(self.video_url or self.video_provider)

    @property
    def speaker_list(self):
        """Its speakers in order; for_timetable() loads them with the sessions."""
        return listed_people(self, "speaker_entries", "session_speakers")

    def clean(self):
        problems = rules.session_problems(self)
        if problems:
            raise ValidationError(problems)


class OrderedPerson(models.Model):
    """A person's place in an ordered list (speakers, authors, organizers): the order is data. OWNER names the
    field that links the entry to the list's owner (a session, a poster, a workshop)."""

    OWNER = None
    speaker = models.ForeignKey(Speaker, models.PROTECT, related_name="%(class)s_entries")
    position = models.PositiveIntegerField(default=0)

    objects = NaturalKeyManager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.position + 1}. {self.speaker}"

    def natural_key(self):
        # Serializers order rows by their links to models with natural keys: no dependencies to declare.
        return getattr(self, self.OWNER).natural_key() + self.speaker.natural_key()


class SessionSpeaker(OrderedPerson):
    OWNER = "session"
    session = models.ForeignKey(Session, models.CASCADE, related_name="session_speakers")
    NATURAL_KEY = ("session__workshop__slug", "session__slug", "speaker__slug")

    class Meta(OrderedPerson.Meta):
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="sessionspeaker_person_listed_once")]


class WorkshopOrganizer(OrderedPerson):
    OWNER = "workshop"
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="workshop_organizers")
    NATURAL_KEY = ("workshop__slug", "speaker__slug")

    class Meta(OrderedPerson.Meta):
        constraints = [
            models.UniqueConstraint(fields=["workshop", "speaker"], name="workshoporganizer_person_listed_once")
        ]
