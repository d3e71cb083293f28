"""Free-text search over sessions and posters: full-text on PostgreSQL, a word-by-word fallback elsewhere.

Both read a query the same way: every word (English stop words aside) must appear in the title, the
abstract or the name of one of the people, where a name also matches a near miss by trigram similarity
("Zdeborva" finds "Zdeborova"). PostgreSQL adds stemming ("networks" also finds "network") and ranking
(title before abstract), reading the search document the database stores and indexes for each row.
"""

import operator
import re
from functools import lru_cache, reduce
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, F, Q, Value
from django.db.models.functions import Lower, StrIndex
from django.db.models.lookups import GreaterThan

from schedule import search_documents
from schedule.prepared import AmongIds, ids_text

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
NAME_SIMILARITY = 0.6  # pg_trgm's default word-similarity threshold
WORD = re.compile(r"\w+")
SEARCH_CONFIG = search_documents.CONFIG
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
    # Only letters, digits and underscores reach a query, so a word is also a literal regular expression.
    found = [word for word in WORD.findall((text or "").casefold()) if word not in STOP_WORDS]
    return list(dict.fromkeys(found))[:MAX_WORDS]


class StoredDocument(Expression):
    """The row's search document as PostgreSQL keeps it (schedule/search_documents.py): title weighted A,
    abstract B, indexed, and never recomputed by a query."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(search_documents.COLUMN)}", []


# A search tests every name of a workshop, and names' words recur from search to search. Bounded: searched
# words land here too, and anyone can send those (some 16 MB at most per process).
@lru_cache(maxsize=16_384)
def trigrams(word):
    padded = f"  {word} "
    return frozenset(padded[index : index + 3] for index in range(len(padded) - 2))


# Names come from the database and recur from search to search; bounded all the same.
@lru_cache(maxsize=65_536)
def name_words(name):
    """The name casefolded, and each of its words' trigrams."""
    folded = name.casefold()
    return folded, tuple(trigrams(word) for word in WORD.findall(folded))


def name_matches(term, name):
    """term is part of the name, or close to one of its words: pg_trgm's word similarity, per word."""
    folded, words_trigrams = name_words(name)
    if term in folded:
        return True
    wanted = trigrams(term)
    enough = NAME_SIMILARITY * len(wanted)
    return any(len(wanted & found) >= enough for found in words_trigrams)


class NameIndex:
    """A workshop's people by name: each word searched is matched against every name once, and remembered
    for the searches that follow while the people are the same (people.directory)."""

    REMEMBERED_TERMS = 4096  # anyone can send words: what is kept of them is bounded

    def __init__(self, names):
        self.names = list(names)  # (person id, name)
        self._matching = {}

    def matching(self, term):
        """Ids of the people whose name term matches (name_matches), as the one parameter a search takes
        (prepared.ids_text)."""
        found = self._matching.get(term)
        if found is None:
            if len(self._matching) >= self.REMEMBERED_TERMS:
                self._matching.clear()
            found = self._matching[term] = ids_text(person for person, name in self.names if name_matches(term, name))
        return found


class Words(NamedTuple):
    """A search's words as its SQL takes them, each a parameter of its own, so the SQL of a search can be
    compiled once per number of words (schedule/prepared.py)."""

    terms: list  # words(text)
    named: list  # for each term, the ids of the workshop's people whose name it matches (prepared.ids_text)


def read(text, index):
    """text's Words; index is the workshop's NameIndex."""
    terms = words(text)
    return Words(terms, [index.matching(term) for term in terms])


def _contains(column, term):
    # Not icontains: that rewrites its value into a LIKE pattern, which a prepared query cannot take. Terms
    # are casefolded words; SQLite's lower() folds ASCII only, as its LIKE does, so both find the same rows.
    return GreaterThan(StrIndex(Lower(column), Value(term)), 0)


def search(queryset, people, parent_field, found, ties=None):
    """Rows of queryset that match every word of found (Words), best first.

    people is the through model's manager (one row per person and session or poster); parent_field names
    its link to the rows searched; ties orders rows of equal rank (the model's ordering unless given). Names
    are matched in Python (NameIndex), among the workshop's own people only: the database may hold tens of
    thousands, and PostgreSQL would test every one of them (it judges a name test cheaper than the key
    lookup that would narrow them down).
    """
    own_people = people.filter(**{f"{parent_field}__in": queryset.order_by().values("pk")})

    def named(ids):
        return Q(pk__in=own_people.filter(AmongIds("speaker_id", ids)).values(parent_field))

    if connection.vendor != "postgresql":
        for term, ids in zip(found.terms, found.named):
            queryset = queryset.filter(Q(_contains("title", term)) | Q(_contains("abstract", term)) | named(ids))
        return queryset.annotate(rank=Value(0.0))
    queryset = queryset.alias(document=StoredDocument())
    queries = [SearchQuery(term, config=SEARCH_CONFIG) for term in found.terms]
    for query, ids in zip(queries, found.named):
        queryset = queryset.filter(Q(document=query) | named(ids))
    # Ranked by all the words at once: plainto_tsquery(a) && plainto_tsquery(b) is plainto_tsquery('a b').
    ranked = SearchRank(StoredDocument(), reduce(operator.and_, queries))
    return queryset.annotate(rank=ranked).order_by(F("rank").desc(), *(ties or queryset.model._meta.ordering), "pk")
