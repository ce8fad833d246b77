"""Counts shown at the top of the admin index. Apps register a function that takes the
request and returns a list of {label, count, url, urgent} for what that user may act on."""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    _providers.append(provider)
    return provider


def items(request) -> list[dict]:
    return [item for provider in _providers for item in provider(request)]
