"""The search page's filters: one query string drives a FilterSet for sessions and one for posters."""

import django_filters
from django import forms

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionKind, SessionSpeaker

from .search import MAX_QUERY_LENGTH, search

POSTER_KIND = "poster"
KIND_CHOICES = [*SessionKind.choices, (POSTER_KIND, "Poster")]


class SearchForm(forms.Form):
    """Shared by both FilterSets so that the page shows one form and one set of errors."""

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *KIND_CHOICES])
    # A choice among the workshop's people, checked against a set: a ChoiceField would normalize and scan its
    # list of hundreds on every search. The page lists them from people_choices.
    speaker = forms.CharField(required=False, strip=False, label="Person")
    room = forms.ChoiceField(required=False)

    def __init__(self, *args, people=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people_choices = [("", "Anyone"), *people]
        self._people = {slug for slug, _ in people}
        self.fields["room"].choices = [("", "Any room"), *rooms]

    def clean_speaker(self):
        slug = self.cleaned_data["speaker"]
        if slug and slug not in self._people:  # worded as ChoiceField words it
            raise forms.ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
            )
        return slug

    @property
    def is_searching(self):
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text")
    kind = django_filters.CharFilter(method="filter_kind")
    speaker = django_filters.CharFilter(method="filter_speaker")
    room = django_filters.CharFilter(field_name="room__slug")

    def __init__(self, data, queryset, form, names):
        super().__init__(data, queryset=queryset)
        self._form = form  # the shared, already built SearchForm
        self._names = names  # the workshop's people (search.NameIndex), shared too

    ties = None  # how rows of equal rank are ordered: the model's ordering unless said

    def filter_text(self, queryset, name, value):
        if not value.strip():
            return queryset
        return search(queryset, self.people, self.parent_field, value, self._names, self.ties)

    def filter_speaker(self, queryset, name, value):
        return queryset.filter(pk__in=self.people.filter(speaker__slug=value).values(self.parent_field))


class SessionFilter(ProgrammeFilter):
    people = SessionSpeaker.objects
    parent_field = "session"

    class Meta:
        model = Session
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.none() if value == POSTER_KIND else queryset.filter(kind=value)


class PosterFilter(ProgrammeFilter):
    people = PosterAuthor.objects
    parent_field = "poster"
    # A poster's ordering within one workshop, without joining the workshop twice (Poster.Meta.ordering
    # starts with the workshop, and so does its room's).
    ties = ("room__position", "room__name", "title")

    class Meta:
        model = Poster
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset if value == POSTER_KIND else queryset.none()
