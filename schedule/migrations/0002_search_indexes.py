"""Full-text and trigram indexes for search, on PostgreSQL only (SQLite searches without them).

The vector expression must be the one workshop/search.py queries with, or PostgreSQL will not use the index;
it is spelled out here so that this migration does not change when that module does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SESSION_INDEX = "session_search_vector_idx"
SPEAKER_INDEX = "speaker_name_trigram_idx"


def document_index(name):
    return GinIndex(
        SearchVector("title", weight="A", config="english") + SearchVector("abstract", weight="B", config="english"),
        name=name,
    )


def speaker_name_index():
    return GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name=SPEAKER_INDEX)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.add_index(apps.get_model("schedule", "Session"), document_index(SESSION_INDEX))
    schema_editor.add_index(apps.get_model("schedule", "Speaker"), speaker_name_index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("schedule", "Session"), document_index(SESSION_INDEX))
    schema_editor.remove_index(apps.get_model("schedule", "Speaker"), speaker_name_index())


class Migration(migrations.Migration):
    dependencies = [("schedule", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
