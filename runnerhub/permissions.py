"""Role groups, filled by each app's own data migration: Editors (articles, topics, tags,
products, newsletter issues and subscribers), Moderators (comments and the inbox) and
Medical reviewers (record the medical review of an article, and are named as its reviewer).
Superusers alone manage users and groups (see "Roles" in README.md)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
MODERATORS = "Moderators"
MEDICAL_REVIEWERS = "Medical reviewers"
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


def rename_model_permissions(apps, app_label: str, old_model: str, new_model: str) -> None:
    """Give a renamed model's permissions their new codenames (add_<old> to add_<new>, and
    so on), for use in RunPython after a RenameModel.

    RenameModel renames the model's ContentType but not its Permission rows: without this the
    groups keep add_<old>, which nothing checks any more, and post_migrate creates an
    add_<new> that no group holds. Where add_<new> exists already (a migrate that stopped
    between the RenameModel and this), whoever held the old permission gets the new one and
    the old one goes."""
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    for action in ALL_ACTIONS:
        codename = f"{action}_{new_model}"
        for old in permissions.filter(codename=f"{action}_{old_model}"):
            new = permissions.filter(codename=codename).first()
            if new is None:
                old.codename = codename
                old.save(update_fields=["codename"])
                continue
            new.group_set.add(*old.group_set.all())
            new.user_set.add(*old.user_set.all())
            old.delete()
