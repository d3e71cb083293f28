from django.db import migrations

from workshop.roles import GROUP, ensure_organizers_group


def create_group(apps, schema_editor):
    ensure_organizers_group(apps)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("schedule", "0004_history_and_revisions"),
        ("posters", "0004_history_and_revisions"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
