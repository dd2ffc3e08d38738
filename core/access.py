"""Who may open which page.

``LoginRequiredMiddleware`` closes every page to anonymous visitors unless its view is
marked ``login_not_required``; product pages also need a model permission, declared
with ``permission_required`` (function views) or ``PermissionRequiredMixin`` (class
views) so that the URL walk test can read it. The lists below name the only pages
that need less, in one place.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import mixins
from django.contrib.auth.decorators import permission_required as django_permission_required

# Pages anyone may open: logging in, resetting a password, the load balancer's probe,
# and the customers' own pages (under /p/) as the apps that serve them add them.
PUBLIC_URL_NAMES = frozenset(
    {
        "healthz",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "admin:login",
        "feedback_public:form",
        "feedback_public:form_for",
        "feedback_public:form_more",
        "feedback_public:status",
        "feedback_public:received",
        "surveys_public:answer",
        "surveys_public:thanks",
        "surveys_public:unsubscribe",
        "surveys_public:one_click",
    }
)

# Pages any signed-in person may open, whatever their role. The search shows each
# kind of record only to those who may view it.
LOGIN_ONLY_URL_NAMES = frozenset(
    {
        "home",
        "search",
        "logout",
        "password_change",
        "password_change_done",
    }
)


# Pages whose permission depends on what they show; each has its own tests.
RECORD_PERMISSION_URL_NAMES = frozenset(
    {
        "private_file",  # the view permission of the file's record
        "choose",  # the view permission of the kind of record chosen
    }
)


def permission_required(*perms: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require all the given permissions; 403 for a signed-in person without them."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        wrapped = django_permission_required(perms, raise_exception=True)(view)
        wrapped.required_permissions = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


class PermissionRequiredMixin(mixins.PermissionRequiredMixin):
    """Django's mixin, answering 403 rather than the login page to the signed-in."""

    raise_exception = True
