from django.http import HttpRequest

from .models import Topic


def navigation(request: HttpRequest) -> dict:
    # Lazy: the query runs only on pages that render the menu. `nav_current` is the menu item
    # the page is ("list", or "topic:<slug>"; "" on every other page): the kept header
    # varies on it alone, so every article page shares one header.
    match = request.resolver_match
    current = ""
    if match is not None and match.view_name == "articles:list":
        current = "list"
    elif match is not None and match.view_name == "articles:topic":
        current = f"topic:{match.kwargs.get('slug', '')}"
    return {"nav_topics": Topic.objects.only("name", "slug"), "nav_current": current}
