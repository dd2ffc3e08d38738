from typing import Any

from django.http import HttpRequest

from core.registries import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Give the layout the menu entries the signed-in person may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "active": request.path.startswith(item.url)}
            for item in nav_items_for(user)
        ]
    }
