from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the login name django-axes counts failures for, as the user model stores it.

    "Ann@Example.com" and "ann@example.com" are one account, so they share one count.
    """
    source = credentials if credentials is not None else request.POST
    return str(source.get("username") or "").strip().lower()


class LoginForm(AuthenticationForm):
    """Log in with an email address and a password."""

    username = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address and password do not match an active account. Check them "
            "and try again; after several failures, logging in from here pauses for "
            "15 minutes."
        ),
    }
