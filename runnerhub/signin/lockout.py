"""Failed admin sign-ins and lockouts (django-axes with its database handler).

Five failures for one account, or from one address, within the cool-off (an hour) lock it
until an hour after the last of them (AXES_* in settings.py). The rows live in the database,
so every app process sees the same lockout and a restart forgets none. A superuser unlocks
in admin (Site and people → Sign-in attempts) or with `manage.py axes_reset_username`,
`axes_reset_ip` or `axes_reset`.
"""

from datetime import datetime

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.utils import timezone

from runnerhub import ratelimit

# Each lockout parameter locks on its own: an account, whatever the address, and an address,
# whatever the account (AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]).
ACCOUNT, ADDRESS = "username", "ip_address"


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts: the reader's address as rate limits see it (behind
    TRUSTED_PROXY_COUNT proxies), or None when the server gave no IP address."""
    address = ratelimit.client_ip(request)
    return None if address == "unknown" else address


def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())


def _ends(failures: int | None, last: datetime | None) -> datetime | None:
    if failures and last and failures >= get_failure_limit(None, None):
        return last + get_cool_off()
    return None


def locked_until(*, username: str | None, ip_address: str | None) -> datetime | None:
    """When sign-in opens again for this account and this address, or None if neither is
    locked: axes' rule (failures within the cool-off reach the limit), with the time."""
    ends = []
    for field, value in ((ACCOUNT, username), (ADDRESS, ip_address)):
        row = (
            _recent()
            .filter(**{field: value})
            .aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        )
        ends.append(_ends(row["failures"], row["last"]))
    return max((end for end in ends if end), default=None)


def attempts_with_locks() -> QuerySet[AccessAttempt]:
    """Every row with its account's and its address's failures and last attempt within the
    cool-off, in one query (the admin list), for `row_locked_until`."""
    recent = _recent().order_by()

    def of(field: str, aggregate) -> Subquery:
        same = recent.filter(**{field: OuterRef(field)}).values(field)
        return Subquery(same.annotate(value=aggregate).values("value")[:1])

    return AccessAttempt.objects.annotate(
        account_failures=of(ACCOUNT, Sum("failures_since_start")),
        account_last=of(ACCOUNT, Max("attempt_time")),
        address_failures=of(ADDRESS, Sum("failures_since_start")),
        address_last=of(ADDRESS, Max("attempt_time")),
    )


def locked_rows(attempts: QuerySet[AccessAttempt]) -> QuerySet[AccessAttempt]:
    """Of `attempts_with_locks()`, the rows whose account or address is locked now."""
    limit = get_failure_limit(None, None)
    return attempts.filter(Q(account_failures__gte=limit) | Q(address_failures__gte=limit))


def row_locked_until(row: AccessAttempt) -> tuple[datetime | None, datetime | None]:
    """(account locked until, address locked until) of a row of `attempts_with_locks()`."""
    return (
        _ends(row.account_failures, row.account_last),
        _ends(row.address_failures, row.address_last),
    )


def _any_of(field: str, values) -> Q:
    known = Q(**{f"{field}__in": [value for value in values if value is not None]})
    return known | Q(**{f"{field}__isnull": True}) if None in values else known


@transaction.atomic
def signin_unlock(*, usernames=(), addresses=()) -> int:
    """Forget every failed sign-in of these accounts and of these addresses (None: a form
    sent without a name, a request without an address); returns how many rows went."""
    deleted, _ = AccessAttempt.objects.filter(
        _any_of(ACCOUNT, set(usernames)) | _any_of(ADDRESS, set(addresses))
    ).delete()
    return deleted
