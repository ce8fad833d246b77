import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from runnerhub.permissions import MEDICAL_REVIEWERS, grant_group_permissions


def create_medical_reviewers(apps, schema_editor):
    # Marking an article reviewed publishes the clicker as its medical reviewer: a role of
    # its own, not every editor's. Reviewers see the articles (and the review desk); those
    # who also edit them are Editors as well.
    grant_group_permissions(apps, MEDICAL_REVIEWERS, "articles", {"article": ("view", "review")})


def remove_medical_reviewers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MEDICAL_REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_vector_storage_main"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-publish_at", "-id"],
                "permissions": [("review_article", "Can mark articles medically reviewed")],
                "verbose_name": "article",
                "verbose_name_plural": "articles",
            },
        ),
        migrations.AlterField(
            model_name="article",
            name="reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "A member of the team who checks this advice; their name links to their "
                    "author page."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviewed_articles",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reviewed by (staff)",
            ),
        ),
        migrations.RunPython(create_medical_reviewers, remove_medical_reviewers),
    ]
