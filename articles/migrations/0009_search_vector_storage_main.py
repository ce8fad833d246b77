from django.db import migrations

REWRITE = (
    "UPDATE articles_article SET search_vector = search_vector || ''::tsvector "
    "WHERE search_vector IS NOT NULL"
)


def keep_vector_in_row(apps, schema_editor):
    # PostgreSQL only (the SQLite demo has no stored vector to speak of). STORAGE MAIN keeps
    # each article's tsvector compressed inside its row instead of in the TOAST table, so the
    # match's recheck and ts_rank read it with the row rather than with a TOAST lookup per
    # match. Existing vectors stay where they are until rewritten: the concatenation with an
    # empty vector gives each a new value (the same lexemes, positions and weights), stored
    # the new way.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN"
    )
    schema_editor.execute(REWRITE)


def back_to_toast(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED"
        )
        schema_editor.execute(REWRITE)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_medical_review"),
    ]

    operations = [
        migrations.RunPython(keep_vector_in_row, back_to_toast),
    ]
