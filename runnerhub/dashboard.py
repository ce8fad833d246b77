"""What the admin index shows above the apps. Apps register:

- a counter provider: takes the request and returns a list of {label, count, url, urgent}
  for what that user may act on (shown as a row of counts);
- a panel provider: takes the request and returns None (nothing for this user) or a dict
  with `template` (rendered with the dict as `panel`), `title` and `id` (the box's anchor),
  plus whatever its template needs. Each provider keeps its query count constant.
"""

from collections.abc import Callable

_providers: list[Callable] = []
_panels: list[Callable] = []


def register(provider: Callable) -> Callable:
    _providers.append(provider)
    return provider


def register_panel(provider: Callable) -> Callable:
    _panels.append(provider)
    return provider


def items(request) -> list[dict]:
    return [item for provider in _providers for item in provider(request)]


def panels(request) -> list[dict]:
    return [panel for provider in _panels if (panel := provider(request)) is not None]
