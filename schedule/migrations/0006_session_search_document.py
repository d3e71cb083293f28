"""The search document becomes a GeneratedField the model declares (schedule/search_documents.py), in place of
0005's raw column; on PostgreSQL it keeps a GIN index, and names get their trigram index back for searches that
match people by word similarity within a workshop. The lists' links to people get related names by class
(OrderedPerson declares them once)."""

import importlib

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import schedule.search_documents

PERSON = models.ForeignKey(
    on_delete=django.db.models.deletion.PROTECT, related_name="%(class)s_entries", to="schedule.speaker"
)
# Spelled out as the model declared it here (schedule/search_documents.py), for sessions and posters alike.
DOCUMENT = models.GeneratedField(
    db_persist=True,
    expression=django.contrib.postgres.search.CombinedSearchVector(
        schedule.search_documents.DocumentPart("title", config="english", weight="A"),
        "||",
        schedule.search_documents.DocumentPart("abstract", config="english", weight="B"),
        django.contrib.postgres.search.SearchConfig("english"),
    ),
    output_field=django.contrib.postgres.search.SearchVectorField(),
)
raw = importlib.import_module("schedule.migrations.0005_stored_search_document")
DOCUMENT_INDEX = "session_search_document_idx"
NAME_INDEX = "speaker_name_trigram_idx"


def drop_raw_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raw.remove_document(schema_editor, raw.TABLE)


def restore_raw_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raw.add_document(schema_editor, raw.TABLE)


def indexes(apps):
    return [
        (apps.get_model("schedule", "Session"), GinIndex(fields=["search_document"], name=DOCUMENT_INDEX)),
        (apps.get_model("schedule", "Speaker"), GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name=NAME_INDEX)),
    ]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for model, index in indexes(apps):
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("schedule", "0005_stored_search_document")]

    operations = [
        migrations.RunPython(drop_raw_column, restore_raw_column, elidable=False),
        migrations.AddField(
            model_name="session",
            name="search_document",
            field=DOCUMENT,
        ),
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
        # The lists' person links are declared once, on OrderedPerson: related names by class.
        migrations.AlterField(model_name="sessionspeaker", name="speaker", field=PERSON),
        migrations.AlterField(model_name="workshoporganizer", name="speaker", field=PERSON),
    ]
