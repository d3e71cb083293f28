"""The search page's filters: one query string drives a FilterSet for sessions and one for posters."""

import django_filters
from django import forms
from django.db.models import Value

from posters.models import Poster, PosterAuthor
from schedule.models import (
    Session,
    SessionKind,
    SessionSpeaker,
    SessionsWithSpeakers,
    columns_with_room,
    instances_with_room,
)
from schedule.prepared import PreparedQuery

from .search import MAX_QUERY_LENGTH, Words, search

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
        self.people_choices = (("", "Anyone"), *people)
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


class CleanedValues:
    """What a FilterSet reads of its form, when the values were checked already (SearchForm) or stand in
    for them (a prepared query compiling)."""

    errors = {}

    def __init__(self, values):
        self.cleaned_data = values

    def is_valid(self):
        return True


class ProgrammeFilter(django_filters.FilterSet):
    """Sessions or posters matching a search's values: q (search.Words), kind, speaker (a slug) and room (a
    slug), each None when not asked for."""

    q = django_filters.CharFilter(method="filter_text")
    kind = django_filters.CharFilter(method="filter_kind")
    speaker = django_filters.CharFilter(method="filter_speaker")
    room = django_filters.CharFilter(field_name="room__slug")

    ties = None  # how rows of equal rank are ordered: the model's ordering unless said
    unranked = ("pk",)  # how rows are ordered when no words rank them

    def __init__(self, values, queryset):
        super().__init__(data=values, queryset=queryset)
        self._values = CleanedValues(values)

    @property
    def form(self):
        return self._values

    @property
    def qs(self):
        found = super().qs
        return found if found.ordered else found.order_by(*self.unranked)

    def filter_text(self, queryset, name, value):
        return search(queryset, self.people, self.parent_field, value, self.ties)

    def filter_speaker(self, queryset, name, value):
        return queryset.filter(pk__in=self.people.filter(speaker__slug=value).values(self.parent_field))


class SessionFilter(ProgrammeFilter):
    people = SessionSpeaker.objects
    parent_field = "session"
    unranked = (*Session._meta.ordering, "pk")

    class Meta:
        model = Session
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=value)  # "poster" is no session's kind


class PosterFilter(ProgrammeFilter):
    people = PosterAuthor.objects
    parent_field = "poster"
    # A poster's ordering within one workshop, without joining the workshop twice (Poster.Meta.ordering
    # starts with the workshop, and so does its room's).
    ties = ("room__position", "room__name", "title")
    unranked = ("title", "pk")

    class Meta:
        model = Poster
        fields = []

    def filter_kind(self, queryset, name, value):
        # Every poster is of kind "poster": a condition on the value alone, so that the SQL is the same for
        # every value (prepared below).
        return queryset.alias(kind=Value(POSTER_KIND)).filter(kind=value)


def _matching(filter_class, *columns):
    def build(workshop_id, terms, named, kind, speaker, room):
        q = Words(terms, named) if terms is not None else None
        values = {"q": q, "kind": kind, "speaker": speaker, "room": room}
        queryset = filter_class._meta.model.objects.filter(workshop_id=workshop_id).order_by()
        return filter_class(values, queryset).qs.values_list(*columns)

    return PreparedQuery(build)


# Prepared (schedule/prepared.py): each FilterSet builds the SQL of a search once per shape (how many words,
# which filters), and later searches of that shape only run it. All the sessions found are shown, so they
# come as rows; posters come a page at a time, so only their ids.
_SESSIONS_FOUND = _matching(SessionFilter, *columns_with_room(Session))
_POSTERS_FOUND = _matching(PosterFilter, "pk")


def _found(prepared, workshop, q, kind, speaker, room):
    if q is not None and not q.terms:
        return []  # only stop words: nothing can match
    words_given = (q.terms, q.named) if q is not None else (None, None)
    return prepared(workshop.pk, *words_given, kind or None, speaker or None, room or None)


def found_sessions(workshop, q=None, kind=None, speaker=None, room=None):
    """The workshop's sessions matching a search, best first, as timetable_sessions gives them. q is
    search.Words or None; kind, speaker and room a value or None."""
    rows = _found(_SESSIONS_FOUND, workshop, q, kind, speaker, room)
    return SessionsWithSpeakers.attach_lists(instances_with_room(Session, rows))


def found_poster_ids(workshop, q=None, kind=None, speaker=None, room=None):
    """Ids of the workshop's posters matching a search, best first (as found_sessions)."""
    return [pk for (pk,) in _found(_POSTERS_FOUND, workshop, q, kind, speaker, room)]
