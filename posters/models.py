from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from schedule.models import (
    LONG_TEXT_LENGTH, Listed, NaturalKeyManager, OrderedPerson, Room, Session, Speaker, Workshop, in_list_order,
    listed_people, long_text_limit,
)

from . import rules


class PosterQuerySet(models.QuerySet):
    def with_spots(self):
        """Each poster with its spot_labels, in one query for all of them."""
        return self.prefetch_related(models.Prefetch("spots", to_attr="spot_entries"))

    def for_listing(self, workshop):
        """The workshop's posters as every list of them shows them: with their room, spot_labels and author_list."""
        return (
            self.filter(workshop=workshop)
            .defer("search_document")  # the database's own, to search with; pages never show it
            .select_related("room")
            .with_spots()
            .prefetch_related(in_list_order(PosterAuthor, "poster_authors", "author_entries"))
        )


class Poster(Listed):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="posters")
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120)
    abstract = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH, validators=long_text_limit())
    authors = models.ManyToManyField(Speaker, through="PosterAuthor", blank=True, related_name="posters")
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="posters")
    # The seed gives no poster times; empty means "up during the poster sessions", not an invented slot.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    spotlight = models.OneToOneField(
        Session, models.SET_NULL, null=True, blank=True, related_name="poster",
        help_text="The spotlight talk that also presents this poster.",
    )

    objects = NaturalKeyManager.from_queryset(PosterQuerySet)()

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

    def get_absolute_url(self):
        return reverse("posters:poster-detail", kwargs={"workshop": self.workshop.slug, "slug": self.slug})

    @property
    def author_list(self):
        """Its authors in order; for_listing() loads them with the posters."""
        return listed_people(self, "author_entries", "poster_authors")

    @property
    def spot_labels(self):
        """Its spots' labels in order; with_spots() loads them with the posters."""
        spots = getattr(self, "spot_entries", None)
        return [spot.label for spot in (self.spots.all() if spots is None else spots)]

    def clean(self):
        problems = rules.poster_problems(self)
        if problems:
            raise ValidationError(problems)


spot_label_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9-]*$", "A spot label is letters and digits, like A2.")


class SpotLabelField(models.CharField):
    """A spot's label, upper-cased when it is cleaned, saved (raw loads included) or compared exactly: "a1" and
    "A1" name one spot. Pattern lookups (contains, startswith) compare as given."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.upper() if isinstance(value, str) else value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)  # the saved object says what the database holds
        return value


class PosterSpot(models.Model):
    poster = models.ForeignKey(Poster, models.CASCADE, related_name="spots")
    label = SpotLabelField(max_length=20, validators=[spot_label_validator])

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
    OWNER = "poster"
    poster = models.ForeignKey(Poster, models.CASCADE, related_name="poster_authors")
    NATURAL_KEY = ("poster__workshop__slug", "poster__slug", "speaker__slug")

    class Meta(OrderedPerson.Meta):
        constraints = [models.UniqueConstraint(fields=["poster", "speaker"], name="posterauthor_person_listed_once")]
