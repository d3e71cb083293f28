"""The search document of a session or a poster: its title (weight A) and abstract (weight B) as PostgreSQL's
tsvector, a generated column the database computes on every write (admin, loader, imports, bulk updates), so
searches read it and its GIN index instead of recomputing vectors per query (workshop/search/)."""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

CONFIG = "english"


class DocumentPart(SearchVector):
    """A weighted part of the document. Other databases have no tsvector: there the column holds an empty text,
    and searches read the title and abstract themselves."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "''", []


def search_document():
    return models.GeneratedField(
        expression=DocumentPart("title", weight="A", config=CONFIG) + DocumentPart("abstract", weight="B", config=CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
