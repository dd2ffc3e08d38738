from typing import Any

from django.http import HttpRequest

from core.registries import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Give the layout the menu entries the signed-in person may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = nav_items_for(user)
    # The entry sharing the longest prefix with the page is the current one.
    lengths = [item.match_length(request.path) for item in items]
    best = max(lengths, default=0)
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "active": best > 0 and length == best}
            for item, length in zip(items, lengths, strict=True)
        ]
    }
