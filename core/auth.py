from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.email import email_queue


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


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, its email sent and logged through the email helper."""

    def send_mail(  # noqa: PLR0917 - Django's signature
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Built from SITE_URL, never from the request's Host header.
        reset_url = settings.SITE_URL + reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        email_queue(
            to=to_email,
            purpose="password_reset",
            template="password_reset",
            context={**context, "reset_url": reset_url},
            related=context["user"],
            secrets=[reset_url],
        )
