"""Role groups, filled by each app's own data migration: Editors (articles, topics, tags,
products, newsletter issues and subscribers) and Moderators (comments and the inbox).
Superusers alone manage users and groups (see "Roles" in README.md)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
MODERATORS = "Moderators"
ALL_ACTIONS = ("add", "change", "delete", "view")


def grant_group_permissions(apps, group_name: str, app_label: str, models: dict) -> None:
    """Give `group_name` permissions on models of `app_label`, for use in RunPython.

    `models` maps a model name to the actions allowed on it. Permissions are normally created
    after migrations run, so they are created here first.
    """
    app_config = global_apps.get_app_config(app_label)
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
