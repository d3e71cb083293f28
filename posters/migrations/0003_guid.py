"""Give every poster a GUID: added empty, filled row by row (a column default would give all one value),
then made unique and required."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    Model = apps.get_model("posters", "poster")
    for row in Model.objects.filter(guid__isnull=True).only("pk"):
        row.guid = uuid.uuid4()
        row.save(update_fields=["guid"])


class Migration(migrations.Migration):
    dependencies = [("posters", "0002_search_index")]

    operations = [
        migrations.AddField(model_name="poster", name="guid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="poster",
            name="guid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Identity in calendars and schedule apps; it survives every edit, the slug included.",
                unique=True,
                verbose_name="GUID",
            ),
        ),
    ]
