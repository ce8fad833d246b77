from django.db import migrations

from runnerhub.permissions import EDITORS, MODERATORS, grant_group_permissions


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in (EDITORS, MODERATORS):
        Group.objects.get_or_create(name=name)
    # Editors may change the site-wide texts (the medical disclaimer); never users or groups.
    grant_group_permissions(apps, EDITORS, "runnerhub", {"sitesettings": ("change", "view")})


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=(EDITORS, MODERATORS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("runnerhub", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
