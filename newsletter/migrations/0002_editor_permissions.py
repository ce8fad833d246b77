from django.db import migrations

from runnerhub.permissions import ALL_ACTIONS, EDITORS, grant_group_permissions


def grant(apps, schema_editor):
    # The roles (README, "Roles"): editors compose and send issues and manage subscribers; deliveries are
    # the send's own record, read-only for them.
    grant_group_permissions(
        apps,
        EDITORS,
        "newsletter",
        {
            "issue": (*ALL_ACTIONS, "send"),
            "issueblock": ALL_ACTIONS,  # now "callout": 0005 renames these codenames
            "subscriber": ALL_ACTIONS,
            "delivery": ("view",),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("runnerhub", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
