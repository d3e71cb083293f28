from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    apps.get_model("workshop", "ProgrammeVersion").objects.get_or_create(pk=1, defaults={"changed_at": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [("workshop", "0001_organizers_group")]
    operations = [
        migrations.CreateModel(
            name="ProgrammeVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=1)),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "programme version"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
