"""The full-text index for poster search, on PostgreSQL only; see schedule's 0002_search_indexes."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

POSTER_INDEX = "poster_search_vector_idx"


def document_index():
    return GinIndex(
        SearchVector("title", weight="A", config="english") + SearchVector("abstract", weight="B", config="english"),
        name=POSTER_INDEX,
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("posters", "Poster"), document_index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("posters", "Poster"), document_index())


class Migration(migrations.Migration):
    dependencies = [("posters", "0001_initial"), ("schedule", "0002_search_indexes")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
