from django.db import migrations

from runnerhub.permissions import ALL_ACTIONS, EDITORS, grant_group_permissions


def create_search_index(apps, schema_editor):
    # A GIN index on the stored search vector exists only on PostgreSQL; the SQLite demo
    # searches with a plain match instead (see articles/search.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search_gin "
            "ON articles_article USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")


def grant_editors(apps, schema_editor):
    grant_group_permissions(
        apps,
        EDITORS,
        "articles",
        {"article": ALL_ACTIONS, "faqitem": ALL_ACTIONS, "topic": ALL_ACTIONS, "tag": ALL_ACTIONS},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("runnerhub", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
