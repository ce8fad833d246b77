from django.db import migrations

from runnerhub.permissions import ALL_ACTIONS, EDITORS, grant_group_permissions


def grant(apps, schema_editor):
    # The roles (README, "Roles"): editors manage products; click counts are read-only for them.
    grant_group_permissions(
        apps,
        EDITORS,
        "shop",
        {
            "shopcategory": ALL_ACTIONS,
            "product": ALL_ACTIONS,
            "articleproduct": ALL_ACTIONS,
            "clickcount": ("view",),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
        ("runnerhub", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
