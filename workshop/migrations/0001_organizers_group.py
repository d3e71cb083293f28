"""The Organizers group: may edit programme data (workshops, rooms, people, sessions, posters, their lists
and history) and nothing else: not users, not groups, not lockouts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Organizers"
PROGRAMME = {
    "schedule": ["workshop", "room", "speaker", "session", "sessionspeaker", "workshoporganizer"],
    "posters": ["poster", "posterspot", "posterauthor"],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so that the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for models in PROGRAMME.values() for model in models for action in ACTIONS]
    codenames += [f"view_historical{model}" for models in PROGRAMME.values() for model in models]
    permissions = Permission.objects.filter(content_type__app_label__in=PROGRAMME, codename__in=codenames)
    group.permissions.set(permissions)


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
