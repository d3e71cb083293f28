"""Posters get a stored search document on PostgreSQL (see schedule 0005), replacing the
expression index of 0002."""

import importlib

from django.db import migrations

previous = importlib.import_module("posters.migrations.0002_search_index")
documents = importlib.import_module("schedule.migrations.0005_stored_search_document")
TABLE = "posters_poster"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("posters", "Poster"), previous.document_index())
    documents.add_document(schema_editor, TABLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    documents.remove_document(schema_editor, TABLE)
    schema_editor.add_index(apps.get_model("posters", "Poster"), previous.document_index())


class Migration(migrations.Migration):
    dependencies = [("posters", "0004_history_and_revisions"), ("schedule", "0005_stored_search_document")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
