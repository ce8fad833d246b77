"""The Editors keep their rights on an issue's offers and events (callouts) whether the
database was made fresh or upgraded across the IssueBlock -> Callout rename (0004, 0005)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from runnerhub.permissions import ALL_ACTIONS, EDITORS
from tests.runnerhub.factories import StaffFactory


def editors_codenames(model: str) -> set[str]:
    return set(
        Group.objects.get(name=EDITORS)
        .permissions.filter(content_type__app_label="newsletter", codename__endswith=f"_{model}")
        .values_list("codename", flat=True)
    )


def migrate_newsletter(*targets: str) -> None:
    # The command, not a bare MigrationExecutor: its pre_migrate signal adds the content type
    # renames to RenameModel, and its post_migrate creates the permissions of each state.
    for target in targets:
        call_command("migrate", "newsletter", target, verbosity=0, skip_checks=True)


@pytest.fixture
def back_to_latest():
    """Leave the database migrated all the way, as the next tests expect (going back to 0001
    also unapplied the migrations of other apps that depend on later newsletter ones)."""
    yield
    call_command("migrate", verbosity=0, skip_checks=True)


def old_database(up_to: str) -> None:
    """The newsletter as an older release migrated it: back to before 0002 (which fills the
    Editors group) and up again to `up_to`. Rebuilt here rather than kept with
    serialized_rollback, because earlier transactional tests flush the group away."""
    migrate_newsletter("0001_initial", up_to)


def assert_editor_can_change_callouts() -> None:
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=EDITORS))
    assert all(editor.has_perm(f"newsletter.{a}_callout") for a in ALL_ACTIONS)
    assert editors_codenames("callout") == {f"{a}_callout" for a in ALL_ACTIONS}
    assert not Permission.objects.filter(codename__endswith="_issueblock").exists()


@pytest.mark.django_db
def test_a_fresh_database_gives_the_editors_the_callout_permissions():
    assert_editor_can_change_callouts()


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_keeps_the_editors_rights_on_callouts(back_to_latest):
    old_database("0003_delivery_lease_owner")
    assert editors_codenames("issueblock") == {f"{a}_issueblock" for a in ALL_ACTIONS}

    migrate_newsletter("0005_callout_permissions")

    assert_editor_can_change_callouts()


@pytest.mark.django_db(transaction=True)
def test_a_migrate_that_stopped_after_the_rename_still_ends_right(back_to_latest):
    """After `migrate newsletter 0004` post_migrate made the callout permissions beside the
    old ones; 0005 moves the group onto them and drops the old ones."""
    old_database("0004_rename_issueblock_callout")  # post_migrate made add_callout & co.
    assert Permission.objects.filter(codename="change_callout").exists()
    assert editors_codenames("callout") == set()

    migrate_newsletter("0005_callout_permissions")

    assert_editor_can_change_callouts()
