"""Emails are queued in the same transaction as what they are about (runnerhub.tasks)."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from newsletter.models import Subscriber
from newsletter.services import subscriber_signup


@pytest.mark.django_db(transaction=True)
def test_an_email_and_its_data_are_kept_together_or_not_at_all(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        subscriber_signup(email="jo@example.com", first_name="Jo", source="/")
        assert DBTaskResult.objects.count() == 1  # written now, not after the commit
        raise RuntimeError("the database went away before the commit")
    assert not Subscriber.objects.exists()
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        subscriber_signup(email="jo@example.com", first_name="Jo", source="/")
    assert Subscriber.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
