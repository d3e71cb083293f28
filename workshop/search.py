"""Free-text search over sessions and posters: full-text on PostgreSQL, a word-by-word fallback elsewhere.

Both read a query the same way: every word (English stop words aside) must appear in the title, the
abstract or the name of one of the people. PostgreSQL adds stemming ("networks" also finds "network"),
ranking (title before abstract) and trigram matching of names ("Zdeborva" finds "Zdeborova"), served by
the indexes its migrations create.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Value

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
WORD = re.compile(r"\w+")
SEARCH_CONFIG = "english"
# PostgreSQL's English stop words (Snowball): it ignores them, so the fallback does too.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can did do does doing don down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own s same she should so some such t
    than that the their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with you your yours yourself yourselves
    """.split()
)


def words(text):
    found = [word for word in WORD.findall((text or "").casefold()) if word not in STOP_WORDS]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def document_vector():
    """Must stay the expression the GIN indexes in the migrations are built on, or PostgreSQL ignores them."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "abstract", weight="B", config=SEARCH_CONFIG
    )


def search(queryset, people, parent_field, text):
    """Rows of queryset that match every word of text, best first.

    people is the through model's manager (one row per person and session or poster); parent_field names
    its link to the rows searched.
    """
    terms = words(text)
    if not terms:
        return queryset.none()
    named = lambda condition: Exists(people.filter(condition, **{parent_field: OuterRef("pk")}))  # noqa: E731
    if connection.vendor != "postgresql":
        for term in terms:
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(abstract__icontains=term) | named(Q(speaker__name__icontains=term))
            )
        return queryset.annotate(rank=Value(0.0))
    vector = document_vector()
    queryset = queryset.annotate(document=vector)
    for term in terms:
        # trigram_word_similar is pg_trgm's <% operator, which the trigram index on names serves.
        queryset = queryset.filter(
            Q(document=SearchQuery(term, config=SEARCH_CONFIG))
            | named(Q(speaker__name__icontains=term) | Q(speaker__name__trigram_word_similar=term))
        )
    ranked = SearchRank(vector, SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain"))
    return queryset.annotate(rank=ranked).order_by(F("rank").desc(), *queryset.model._meta.ordering)
