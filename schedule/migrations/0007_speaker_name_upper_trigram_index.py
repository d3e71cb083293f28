"""On PostgreSQL, a trigram index on the upper-cased name, which is what a case-blind "name contains" compares
(Django's icontains is UPPER(name) LIKE UPPER(%word%)). Without it a search matching names seq-scans every
person in the database (37 ms with the NeurIPS-sized demo's 10,000) instead of reading the index (under 1 ms)."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper

INDEX = GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="speaker_name_upper_trigram_idx")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("schedule", "Speaker"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("schedule", "Speaker"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("schedule", "0006_session_search_document")]

    operations = [migrations.RunPython(add_index, remove_index, elidable=False)]
