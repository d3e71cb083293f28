import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from schedule.models import (
    NaturalKeyManager,
    OrderedPerson,
    Revised,
    Room,
    Session,
    Speaker,
    WithPeople,
    Workshop,
    columns_with_room,
    instances_with_room,
)
from schedule.prepared import AmongIds, PreparedQuery, ids_text

from . import rules


class PosterQuerySet(models.QuerySet):
    def for_listing(self, workshop):
        """Posters as lists show them: each with its room, poster.author_list and poster.spot_labels."""
        return PostersAsListed.attach_to(self.filter(workshop=workshop).select_related("room").order_by())

    def with_authors(self):
        """poster.author_list: its authors in order, as PersonLinks (see schedule.models.WithPeople)."""
        return PostersWithAuthors.attach_to(self)


class Poster(Revised):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="posters")
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120)
    guid = models.UUIDField(
        "GUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identity in calendars and schedule apps; it survives every edit, the slug included.",
    )
    abstract = models.TextField(blank=True)
    authors = models.ManyToManyField(Speaker, through="PosterAuthor", blank=True, related_name="posters")
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="posters")
    # The seed gives no poster times; empty means "up during the poster sessions", not an invented slot.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    spotlight = models.OneToOneField(
        Session,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="poster",
        help_text="The spotlight talk that also presents this poster.",
    )

    NATURAL_KEY = ("workshop__slug", "slug")
    objects = NaturalKeyManager.from_queryset(PosterQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["workshop", "room", "title"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "slug"], name="poster_slug_unique_per_workshop"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="poster_time_is_empty_or_ends_after_it_starts",
                violation_error_message="Give a poster both a start and an end, the end after the start, or neither.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return self.workshop.natural_key() + (self.slug,)

    natural_key.dependencies = ["schedule.workshop", "schedule.room", "schedule.session"]

    def get_absolute_url(self):
        return reverse("posters:poster-detail", kwargs={"workshop": self.workshop.slug, "slug": self.slug})

    def clean(self):
        problems = rules.poster_problems(self)
        if problems:
            raise ValidationError(problems)


spot_label_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9-]*$", "A spot label is letters and digits, like A2.")


class PosterSpot(models.Model):
    poster = models.ForeignKey(Poster, models.CASCADE, related_name="spots")
    label = models.CharField(max_length=20, validators=[spot_label_validator])

    NATURAL_KEY = ("poster__workshop__slug", "poster__slug", "label")
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["poster", "label"], name="posterspot_label_once_per_poster"),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return self.poster.natural_key() + (self.label,)

    natural_key.dependencies = ["posters.poster"]

    def clean(self):
        problems = rules.spot_problems(self)
        if problems:
            raise ValidationError(problems)


class PosterAuthor(OrderedPerson):
    poster = models.ForeignKey(Poster, models.CASCADE, related_name="poster_authors")
    speaker = models.ForeignKey(Speaker, models.PROTECT, related_name="poster_appearances")

    NATURAL_KEY = ("poster__workshop__slug", "poster__slug", "speaker__slug")
    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta(OrderedPerson.Meta):
        constraints = [
            models.UniqueConstraint(fields=["poster", "speaker"], name="posterauthor_person_listed_once"),
        ]

    def natural_key(self):
        return self.poster.natural_key() + self.speaker.natural_key()

    natural_key.dependencies = ["posters.poster", "schedule.speaker"]


class PostersWithAuthors(WithPeople):
    through, owner_field, attribute = PosterAuthor, "poster", "author_list"


class PostersAsListed(PostersWithAuthors):
    """Posters with their authors and their spots' labels (attach_spot_labels)."""

    @classmethod
    def attach_lists(cls, rows, using=DEFAULT_DB_ALIAS):
        return attach_spot_labels(super().attach_lists(rows, using=using), using=using)


# Ids as one parameter (AmongIds): pages ask for a page of posters, or for all of a workshop's.
_SPOT_LABELS = PreparedQuery(
    lambda ids: PosterSpot.objects.filter(AmongIds("poster_id", ids)).order_by("poster_id", "label").values_list(
        "poster_id", "label"
    )
)


def attach_spot_labels(posters, using=DEFAULT_DB_ALIAS):
    """Set poster.spot_labels, the labels of its spots in order, on each poster, in one query."""
    labels = {poster.pk: [] for poster in posters}
    if labels:
        for poster_id, label in _SPOT_LABELS(ids_text(labels), using=using):
            labels[poster_id].append(label)
    for poster in posters:
        poster.spot_labels = labels[poster.pk]
    return posters


_LISTED_ROWS = PreparedQuery(
    lambda workshop_id, ids: Poster.objects.filter(AmongIds("pk", ids), workshop_id=workshop_id)
    .order_by()
    .values_list(*columns_with_room(Poster))
)


def listed_posters(workshop, ids, using=DEFAULT_DB_ALIAS):
    """The workshop's posters among ids, in the order of ids, as Poster.objects.for_listing gives them;
    prepared (schedule/prepared.py): search and the poster list show a page of posters on every request."""
    rows = _LISTED_ROWS(workshop.pk, ids_text(ids), using=using) if ids else []
    found = {poster.pk: poster for poster in instances_with_room(Poster, rows, using=using)}
    return PostersAsListed.attach_lists([found[pk] for pk in ids if pk in found], using=using)
