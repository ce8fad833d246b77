from newsletter import checks


def test_a_lease_too_short_for_a_slow_message_is_flagged(settings):
    settings.EMAIL_TIMEOUT = 10
    settings.NEWSLETTER_LEASE_SECONDS = 120
    assert checks.lease_outlasts_a_message(None) == []
    settings.NEWSLETTER_LEASE_SECONDS = 60
    (warning,) = checks.lease_outlasts_a_message(None)
    assert warning.id == "newsletter.W001" and "at least 80" in warning.hint


def test_unsubscribe_links_must_be_https_in_production(settings):
    settings.DEBUG = False
    settings.SITE_URL = "http://advice.example.com"
    (warning,) = checks.unsubscribe_links_are_https(None)
    assert warning.id == "newsletter.W002"
    settings.SITE_URL = "https://advice.example.com"
    assert checks.unsubscribe_links_are_https(None) == []
    settings.DEBUG, settings.SITE_URL = True, "http://127.0.0.1:8000"
    assert checks.unsubscribe_links_are_https(None) == []


def test_bounce_webhooks_without_a_secret_are_flagged_in_production(settings):
    settings.DEBUG = False
    settings.ANYMAIL = {"WEBHOOK_SECRET": "", "MAILGUN_WEBHOOK_SIGNING_KEY": ""}
    (warning,) = checks.bounce_webhooks_can_be_verified(None)
    assert warning.id == "newsletter.W003"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:long-random-password"}
    assert checks.bounce_webhooks_can_be_verified(None) == []
