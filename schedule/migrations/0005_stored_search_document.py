"""Sessions get a stored search document on PostgreSQL (a raw column; 0006 declares it), replacing the
expression index of 0002 that searches could not use without recomputing every vector. The trigram index on
people's names went too (names were then matched in Python); 0006 declares the column as a GeneratedField and
brings the trigram index back."""

import importlib

from django.db import migrations

previous = importlib.import_module("schedule.migrations.0002_search_indexes")
TABLE = "schedule_session"
COLUMN = "search_document"


def add_document(schema_editor, table):
    """A stored, generated tsvector column, written by raw SQL (0006 turns it into a GeneratedField)."""
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(table)} ADD COLUMN {quote(COLUMN)} tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('english'::regconfig, coalesce({quote('title')}::text, '')), 'A') || "
        f"setweight(to_tsvector('english'::regconfig, coalesce({quote('abstract')}, '')), 'B')) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {quote(table + '_' + COLUMN + '_idx')} ON {quote(table)} USING gin ({quote(COLUMN)})")


def remove_document(schema_editor, table):
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(table + '_' + COLUMN + '_idx')}")
    schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN IF EXISTS {quote(COLUMN)}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("schedule", "Session"), previous.document_index(previous.SESSION_INDEX))
    schema_editor.remove_index(apps.get_model("schedule", "Speaker"), previous.speaker_name_index())
    add_document(schema_editor, TABLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    remove_document(schema_editor, TABLE)
    schema_editor.add_index(apps.get_model("schedule", "Session"), previous.document_index(previous.SESSION_INDEX))
    schema_editor.add_index(apps.get_model("schedule", "Speaker"), previous.speaker_name_index())


class Migration(migrations.Migration):
    dependencies = [("schedule", "0004_history_and_revisions")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
