"""Template filters of the invitation and response pages."""

from typing import Any

from django import template

from surveys.campaigns.models import Progress

register = template.Library()


@register.filter
def progress_label(value: Any) -> str:
    """Return how a ``Progress`` value reads ("Answered")."""
    try:
        return str(Progress(value).label)
    except ValueError:
        return ""
