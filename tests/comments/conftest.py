import pytest


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (queued emails) as the real commit would."""
    return django_capture_on_commit_callbacks
