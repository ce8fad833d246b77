"""Where a counted click may say it came from besides an article: a newsletter issue.

The shop sits below the newsletter (the newsletter sends its links through /go/ and shows
their clicks), so it never imports it. The newsletter registers here, in its
`AppConfig.ready()`, how /go/ names an issue: the subquery that gives a public issue's
subject (so that /go/ still reads the product, the article and the issue in one query)
and the UTM campaign made of it. With nothing registered, a click's issue is ignored."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, Expression, Value


@dataclass(frozen=True)
class IssueSource:
    subject: Callable[[int], Expression]  # the public issue's subject, or NULL
    campaign: Callable[[int, str], str]  # (issue id, subject) -> utm_campaign


_issues: list[IssueSource] = []


def register_issues(source: IssueSource) -> None:
    _issues[:] = [source]


def issue_subject(issue_id: int | None) -> Expression:
    if issue_id is None or not _issues:
        return Value(None, output_field=CharField())
    return _issues[0].subject(issue_id)


def issue_campaign(issue_id: int, subject: str) -> str:
    return _issues[0].campaign(issue_id, subject)
