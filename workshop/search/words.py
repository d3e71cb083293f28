"""What a searched text asks for: its words, English stop words aside, as PostgreSQL's full-text search reads
them, so that the SQLite fallback asks for the same."""

import re

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
WORD = re.compile(r"\w+")
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
    """The words of text that a search looks for, casefolded, each once, at most MAX_WORDS."""
    found = [word for word in WORD.findall((text or "").casefold()) if word not in STOP_WORDS]
    return list(dict.fromkeys(found))[:MAX_WORDS]
