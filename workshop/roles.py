"""The Organizers group: may edit programme data (workshops, rooms, people, sessions, posters, their lists
and history) and nothing else: not users, not groups, not lockouts."""

from django.contrib.auth.management import create_permissions

GROUP = "Organizers"
PROGRAMME = {
    "schedule": ["workshop", "room", "speaker", "session", "sessionspeaker", "workshoporganizer"],
    "posters": ["poster", "posterspot", "posterauthor"],
}
ACTIONS = ["add", "change", "delete", "view"]


def ensure_organizers_group(apps):
    """Make the group and give it exactly the programme permissions. apps: a migration's historical apps,
    or django.apps.apps."""
    # Permissions are normally made after all migrations; make them now so that the group can hold them.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for models in PROGRAMME.values() for model in models for action in ACTIONS]
    codenames += [f"view_historical{model}" for models in PROGRAMME.values() for model in models]
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=PROGRAMME, codename__in=codenames))
    return group
