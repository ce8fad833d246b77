"""The endpoint browsers send CSP violation reports to: both formats, logged, and nothing
anyone posts makes it fail, flood the logs or log a signed link."""

import json
import logging

import pytest
from django.test import Client

from runnerhub import csp_reports
from tests.hostile import HOSTILE

URL = "/csp-report/"

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://advice.example.com/articles/knee/?utm_source=mail",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'none'; script-src 'self'",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://advice.example.com/articles/knee/",
        "script-sample": "alert(1)",
        "disposition": "enforce",
        "status-code": 200,
    }
}
REPORTING_API_BODY = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://advice.example.com/",
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": "https://advice.example.com/",
            "effectiveDirective": "img-src",
            "blockedURL": "http://tracker.example/pixel.gif",
            "disposition": "enforce",
            "statusCode": 200,
        },
    },
    {"type": "deprecation", "age": 1, "url": "https://advice.example.com/", "body": {}},
]


class CspLog:
    def __init__(self, caplog):
        self.caplog = caplog

    @property
    def records(self):
        return [r for r in self.caplog.records if r.name == "runnerhub.csp"]


@pytest.fixture
def csp_log(caplog):
    caplog.set_level(logging.WARNING, logger="runnerhub.csp")
    return CspLog(caplog)


def post(client, body, content_type="application/csp-report", **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **extra)


@pytest.mark.django_db
def test_a_report_uri_report_is_logged(client, csp_log):
    response = post(client, REPORT_URI_BODY)
    assert response.status_code == 204
    [record] = csp_log.records
    assert record.levelname == "WARNING"
    message = record.getMessage()
    assert "document-uri=/articles/knee/ " in message  # the page, without its query
    assert "effective-directive=script-src-elem" in message
    assert "blocked-uri=inline" in message
    assert "script-sample=alert(1)" in message
    assert "original-policy" not in message


@pytest.mark.django_db
def test_a_reporting_api_batch_is_logged_one_line_per_violation(client, csp_log):
    response = post(client, REPORTING_API_BODY, content_type="application/reports+json")
    assert response.status_code == 204
    [record] = csp_log.records  # the deprecation report is not ours to log
    assert "effective-directive=img-src" in record.getMessage()
    assert "blocked-uri=http://tracker.example/pixel.gif" in record.getMessage()


@pytest.mark.django_db
def test_older_browsers_send_only_violated_directive(client, csp_log):
    body = {"csp-report": {"document-uri": "https://a.example/", "violated-directive": "img-src"}}
    assert post(client, body, content_type="application/json").status_code == 204
    assert "effective-directive=img-src" in csp_log.records[0].getMessage()


@pytest.mark.django_db
def test_no_csrf_token_is_needed():
    client = Client(enforce_csrf_checks=True)
    assert post(client, REPORT_URI_BODY).status_code == 204


@pytest.mark.django_db
def test_only_posts(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_other_content_types_are_refused(client, csp_log):
    assert post(client, REPORT_URI_BODY, content_type="text/plain").status_code == 415
    response = client.post(URL, {"csp-report": "x"})  # a form post
    assert response.status_code == 415
    assert not csp_log.records


@pytest.mark.django_db
def test_a_body_over_a_few_kb_is_refused(client, csp_log):
    big = {"csp-report": {"document-uri": "https://a.example/", "script-sample": "x" * 9000}}
    assert post(client, big).status_code == 413
    assert not csp_log.records


@pytest.mark.django_db
def test_a_body_longer_than_its_content_length_header_says_is_still_capped(rf, csp_log):
    request = rf.post(URL, data=b"[" + b" " * 9000 + b"]", content_type="application/csp-report")
    request.META["CONTENT_LENGTH"] = "9999999999999999999999"
    assert csp_reports.csp_report(request).status_code == 413
    request = rf.post(URL, data=b"[]", content_type="application/csp-report")
    request.META["CONTENT_LENGTH"] = "twelve"
    assert csp_reports.csp_report(request).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00junk",
        b"null",
        b"42",
        b'"text"',
        b"{}",
        b'{"csp-report": "text"}',
        b'{"csp-report": []}',
        b"[1, 2, null]",
        b'[{"type": "csp-violation", "body": "x"}]',
        b'{"a":' * 1600,  # deeply nested and unfinished, under the size cap
        b"[" * 4000 + b"]" * 4000,  # deeply nested, under the cap: json's RecursionError
        b'{"csp-report": {"document-uri": "\\ud800"}}',
        b'{"csp-report": {"document-uri": "http://[::1"}}',
    ],
)
def test_junk_never_fails(client, body):
    response = post(client, body)
    assert response.status_code == 204 or 400 <= response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_field_values_are_logged_escaped_on_one_line(client, csp_log, value):
    value = value[:300]
    body = {"csp-report": dict.fromkeys(("document-uri", "blocked-uri", "script-sample"), value)}
    if (
        len(json.dumps(body)) > csp_reports.MAX_BYTES
    ):  # JSON escapes an emoji to 12 bytes: over the cap
        assert post(client, body).status_code == 413
        return
    assert post(client, body).status_code == 204
    message = csp_log.records[0].getMessage()
    assert "\n" not in message and "\r" not in message
    assert message.isascii()
    assert len(message) < 1000


@pytest.mark.django_db
def test_nested_values_are_left_out(client, csp_log):
    body = {"csp-report": {"blocked-uri": {"a": ["b"]}, "line-number": [1] * 100}}
    assert post(client, body).status_code == 204
    assert csp_log.records[0].getMessage() == "CSP violation: "


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/newsletter/confirm/SECRET-TOKEN/", "/newsletter/unsubscribe/SECRET-TOKEN/"]
)
def test_a_signed_links_token_is_never_logged(client, csp_log, path):
    body = {"csp-report": {"document-uri": f"https://advice.example.com{path}"}}
    assert post(client, body).status_code == 204
    message = csp_log.records[0].getMessage()
    assert "SECRET-TOKEN" not in message
    assert "<str:token>" in message


@pytest.mark.django_db
def test_reports_are_rate_limited_per_address(client, csp_log, monkeypatch):
    monkeypatch.setattr(csp_reports, "PER_ADDRESS_PER_MINUTE", 3)
    codes = [post(client, REPORT_URI_BODY).status_code for _ in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert len(csp_log.records) == 3
    other = post(client, REPORT_URI_BODY, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 204  # another reader is not limited by the first


@pytest.mark.django_db
def test_reports_are_rate_limited_in_all(client, monkeypatch):
    monkeypatch.setattr(csp_reports, "IN_ALL_PER_MINUTE", 2)
    codes = [
        post(client, REPORT_URI_BODY, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(1, 5)
    ]
    assert codes == [204, 204, 429, 429]


@pytest.mark.django_db
def test_a_batch_logs_at_most_a_few_reports(client, csp_log):
    batch = [REPORTING_API_BODY[0]] * 60
    response = post(client, batch, content_type="application/reports+json")
    assert response.status_code in (204, 413)
    assert len(csp_log.records) <= csp_reports.MAX_REPORTS
