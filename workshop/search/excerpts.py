"""What a search result shows of its abstract: the words around the first match, the matches marked.

PostgreSQL's SearchHeadline makes these in the query (filters.py); elsewhere they are cut here, with the same
marks, so that one template shows both (includes/_marked.html, through the `marked_parts` tag). A result
that matched by its title or a person's name alone shows no excerpt, on either database."""

import re

# Around each match: characters of Unicode's private use area, which no programme text holds.
MARK_START, MARK_END = "\ue000", "\ue001"
WORDS_BEFORE, WORDS_AFTER = 12, 23


def excerpt(text, terms):
    """About 35 words of text around the first of terms it holds (case aside), each match marked; "" when it
    holds none."""
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    if first is None:
        return ""
    before = text[: first.start()].split(" ")
    start = first.start() - len(" ".join(before[-WORDS_BEFORE:])) if len(before) > WORDS_BEFORE else 0
    after = text[first.start() :].split(" ")
    end = first.start() + len(" ".join(after[:WORDS_AFTER]))
    cut = pattern.sub(lambda match: f"{MARK_START}{match.group()}{MARK_END}", text[start:end])
    return ("…" if start else "") + cut + ("…" if end < len(text) else "")


def with_excerpts(rows, terms):
    """rows, each with its excerpt: the database's where it made one (PostgreSQL), else one cut here."""
    for row in rows:
        made = getattr(row, "excerpt", None)
        if made is None:
            row.excerpt = excerpt(row.abstract, terms) if terms else ""
        elif MARK_START not in made:
            row.excerpt = ""  # SearchHeadline's opening words of an abstract in which nothing matched
    return rows
