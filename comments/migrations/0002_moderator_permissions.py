from django.db import migrations

from runnerhub.permissions import ALL_ACTIONS, EDITORS, MODERATORS, grant_group_permissions


def grant(apps, schema_editor):
    # The roles (README, "Roles"): Moderators approve, mark spam, remove and answer; editors moderate too.
    for group in (MODERATORS, EDITORS):
        grant_group_permissions(apps, group, "comments", {"comment": ALL_ACTIONS})


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("runnerhub", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
