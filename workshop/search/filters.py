"""The search page's filters: one query string drives a FilterSet for sessions and one for posters.

On PostgreSQL, words are matched against each row's stored search document (title and abstract, stemmed,
GIN-indexed) and ranked, and against the names of the row's people by trigram word similarity, so that
"Zdeborva" finds "Zdeborová"; each row also gets SearchHeadline's excerpt of its abstract. Elsewhere (SQLite)
each word must appear in the title, the abstract or a name, as it is written, case aside.
"""

import operator
from functools import reduce

import django_filters
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

from posters.models import Poster, PosterAuthor
from schedule.models import Session, SessionKind, SessionSpeaker, Speaker
from schedule.search_documents import CONFIG
from .excerpts import MARK_END, MARK_START
from .words import MAX_QUERY_LENGTH, words

POSTER_KIND = "poster"
KIND_CHOICES = [*SessionKind.choices, (POSTER_KIND, "Poster")]
EXCERPT_WORDS = {"max_words": 35, "min_words": 15}


class ProgrammeFilter(django_filters.FilterSet):
    """Rows matching a search: q (words), kind, speaker (a person's slug) and room (a room's slug). people is
    a QuerySet of the workshop's people (a chosen one is looked up by slug, so the list is never read to check
    it); rooms are the workshop's (slug, name) choices."""

    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=MAX_QUERY_LENGTH)
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, method="filter_kind", empty_label="Any kind")
    speaker = django_filters.ModelChoiceFilter(
        queryset=Speaker.objects.none(), to_field_name="slug", method="filter_speaker", label="Person",
        empty_label="Anyone",
    )
    room = django_filters.ChoiceFilter(field_name="room__slug", label="Room", empty_label="Any room")

    through = parent_field = None  # the model of a row's people, and its link to the row
    ties = ()  # how rows of equal rank are ordered

    def __init__(self, data, queryset, *, people, rooms):
        super().__init__(data, queryset=queryset)
        self.filters["speaker"].queryset = people
        self.filters["room"].extra["choices"] = rooms

    @property
    def is_searching(self):
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def filter_text(self, queryset, name, value):
        terms = words(value)
        if not terms:
            return queryset.none()  # only stop words: nothing can match
        if connection.vendor != "postgresql":
            for term in terms:
                queryset = queryset.filter(Q(title__icontains=term) | Q(abstract__icontains=term) | self.named(term))
            return queryset
        queries = [SearchQuery(term, config=CONFIG) for term in terms]
        for term, query in zip(terms, queries):
            queryset = queryset.filter(Q(search_document=query) | self.named(term))
        # All the words at once: plainto_tsquery(a) && plainto_tsquery(b) is plainto_tsquery('a b').
        everything = reduce(operator.and_, queries)
        return queryset.annotate(
            rank=SearchRank(F("search_document"), everything),
            excerpt=SearchHeadline(
                "abstract", everything, config=CONFIG, start_sel=MARK_START, stop_sel=MARK_END, **EXCERPT_WORDS
            ),
        ).order_by("-rank", *self.ties, "pk")

    def named(self, term):
        """Rows one of whose people's name holds term, or, on PostgreSQL, has a word like it."""
        name = Q(speaker__name__icontains=term)
        if connection.vendor == "postgresql":
            name |= Q(speaker__name__trigram_word_similar=term)
        # Among the workshop's own people: the database may hold tens of thousands.
        own = self.through.objects.filter(**{f"{self.parent_field}__in": self.queryset.values("pk")})
        return Q(pk__in=own.filter(name).values(self.parent_field))

    def filter_speaker(self, queryset, name, value):
        return queryset.filter(pk__in=self.through.objects.filter(speaker=value).values(self.parent_field))


class SessionFilter(ProgrammeFilter):
    through, parent_field = SessionSpeaker, "session"
    ties = Session._meta.ordering

    class Meta:
        model = Session
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=value)  # "poster" is no session's kind


class PosterFilter(ProgrammeFilter):
    through, parent_field = PosterAuthor, "poster"
    # A poster's ordering within one workshop (Poster.Meta.ordering starts with the workshop).
    ties = ("room__position", "room__name", "title")

    class Meta:
        model = Poster
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset if value == POSTER_KIND else queryset.none()
