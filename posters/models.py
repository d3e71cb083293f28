import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
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
)

from . import rules


class PosterQuerySet(models.QuerySet):
    def for_listing(self, workshop):
        return (
            self.filter(workshop=workshop)
            .select_related("room")
            .order_by()
            .prefetch_related("spots")
            .with_authors()
        )

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
