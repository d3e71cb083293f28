"""Sessions get a stored search document on PostgreSQL (see schedule/search_documents.py), replacing the
expression index of 0002 that searches could not use without recomputing every vector. The trigram index on
people's names goes too: names are matched in Python among a workshop's own people (workshop/search.py)."""

import importlib

from django.db import migrations

from schedule import search_documents

previous = importlib.import_module("schedule.migrations.0002_search_indexes")
TABLE = "schedule_session"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("schedule", "Session"), previous.document_index(previous.SESSION_INDEX))
    schema_editor.remove_index(apps.get_model("schedule", "Speaker"), previous.speaker_name_index())
    search_documents.add(schema_editor, TABLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search_documents.remove(schema_editor, TABLE)
    schema_editor.add_index(apps.get_model("schedule", "Session"), previous.document_index(previous.SESSION_INDEX))
    schema_editor.add_index(apps.get_model("schedule", "Speaker"), previous.speaker_name_index())


class Migration(migrations.Migration):
    dependencies = [("schedule", "0004_history_and_revisions")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
