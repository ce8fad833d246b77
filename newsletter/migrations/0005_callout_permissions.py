from django.db import migrations

from runnerhub.permissions import rename_model_permissions


def to_callout(apps, schema_editor):
    # 0002 gave the Editors add/change/delete/view_issueblock; 0004 renamed the model (and its
    # content type) but not these codenames, so the group would lose its rights on callouts.
    rename_model_permissions(apps, "newsletter", "issueblock", "callout")


def to_issueblock(apps, schema_editor):
    rename_model_permissions(apps, "newsletter", "callout", "issueblock")


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0004_rename_issueblock_callout"),
    ]

    operations = [migrations.RunPython(to_callout, to_issueblock)]
