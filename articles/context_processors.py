from django.http import HttpRequest

from .models import Topic


def navigation(request: HttpRequest) -> dict:
    # Lazy: the query runs only on pages that render the menu.
    return {"nav_topics": Topic.objects.only("name", "slug")}
