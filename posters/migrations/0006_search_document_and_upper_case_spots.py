"""Posters' search document becomes a GeneratedField (see schedule 0006), and spot labels are stored
upper-cased, so that "a1" and "A1" are one spot (posters.models.SpotLabelField)."""

import importlib

import django.core.validators
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

import posters.models

raw = importlib.import_module("schedule.migrations.0005_stored_search_document")
documents_0006 = importlib.import_module("schedule.migrations.0006_session_search_document")
TABLE = "posters_poster"
DOCUMENT_INDEX = "poster_search_document_idx"


def drop_raw_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raw.remove_document(schema_editor, TABLE)


def restore_raw_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raw.add_document(schema_editor, TABLE)


def document_index():
    return GinIndex(fields=["search_document"], name=DOCUMENT_INDEX)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("posters", "Poster"), document_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("posters", "Poster"), document_index())


def upper_case_labels(apps, schema_editor):
    """Each spot's label upper-cased; a poster's second spot that differs from its first only by case goes."""
    PosterSpot = apps.get_model("posters", "PosterSpot")
    for spot in PosterSpot.objects.order_by("poster_id", "pk"):
        upper = spot.label.upper()
        if upper == spot.label:
            continue
        if PosterSpot.objects.filter(poster_id=spot.poster_id, label=upper).exists():
            spot.delete()
        else:
            PosterSpot.objects.filter(pk=spot.pk).update(label=upper)


LABEL = posters.models.SpotLabelField(
    max_length=20,
    validators=[
        django.core.validators.RegexValidator("^[A-Za-z0-9][A-Za-z0-9-]*$", "A spot label is letters and digits, like A2.")
    ],
)


class Migration(migrations.Migration):
    dependencies = [("posters", "0005_stored_search_document"), ("schedule", "0006_session_search_document")]

    operations = [
        migrations.RunPython(drop_raw_column, restore_raw_column, elidable=False),
        migrations.AddField(
            model_name="poster",
            name="search_document",
            field=documents_0006.DOCUMENT,
        ),
        migrations.RunPython(add_index, remove_index, elidable=False),
        migrations.AlterField(model_name="historicalposterspot", name="label", field=LABEL),
        migrations.AlterField(model_name="posterspot", name="label", field=LABEL),
        migrations.RunPython(upper_case_labels, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(model_name="posterauthor", name="speaker", field=documents_0006.PERSON),
    ]
