"""Logging in, changing and resetting a password, with the throttles around them.

Failed logins are counted twice: per email address and client address by django-axes
(a lock of ``AXES_FAILURE_LIMIT`` failures, 15 minutes), and per client address across
all accounts by ``core.throttle`` (``RATE_LIMITS["login.client_failures"]``, on the
login page and the admin's), so one client cannot try a few passwords on every
account. A wrong old password on the password change page is a failed login for axes
too.
"""

from typing import Any
from urllib.parse import urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core import throttle
from core.email import email_queue
from core.net import client_ip

LOGIN_FAILURES_PER_CLIENT = "login.client_failures"
RESET_REQUESTS_PER_ADDRESS = "password_reset.address"
RESET_REQUESTS_PER_CLIENT = "password_reset.client"

LOGIN_PAUSED_FOR_CLIENT = ngettext_lazy(
    "Too many failed logins from your address: logging in from here is paused. "
    "Try again in %(minutes)d minute.",
    "Too many failed logins from your address: logging in from here is paused. "
    "Try again in %(minutes)d minutes.",
    "minutes",
)
PASSWORD_CHANGE_PAUSED = ngettext_lazy(
    "Too many wrong passwords for this account from your address: changing the "
    "password is paused, and so is logging in from here. Try again in %(minutes)d minute.",
    "Too many wrong passwords for this account from your address: changing the "
    "password is paused, and so is logging in from here. Try again in %(minutes)d minutes.",
    "minutes",
)

PASSWORD_RESET_PAUSED_FOR_CLIENT = ngettext_lazy(
    "Too many reset requests from your address: try again in %(minutes)d minute.",
    "Too many reset requests from your address: try again in %(minutes)d minutes.",
    "minutes",
)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the login name django-axes counts failures for, as the user model stores it.

    "Ann@Example.com" and "ann@example.com" are one account, so they share one count.
    """
    source = credentials if credentials is not None else request.POST
    return str(source.get("username") or "").strip().lower()


def client_key(request: HttpRequest) -> str:
    """Return the client address the rate limits count by (as django-axes reads it)."""
    return client_ip(request) or "unknown"


class ClientFailureLimit(AuthenticationForm):
    """Refuse a client address past its limit of failed logins across all accounts."""

    def clean(self) -> dict[str, Any]:
        # Checked before the password, so that a client past its limit learns nothing,
        # not even that a password was right.
        key = client_key(self.request) if self.request else "unknown"
        verdict = throttle.check(LOGIN_FAILURES_PER_CLIENT, key)
        if not verdict.allowed:
            raise ValidationError(
                LOGIN_PAUSED_FOR_CLIENT % {"minutes": verdict.minutes}, code="throttled"
            )
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                throttle.hit(LOGIN_FAILURES_PER_CLIENT, key)
            raise


class LoginForm(ClientFailureLimit):
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


class AdminLoginForm(ClientFailureLimit, AdminAuthenticationForm):
    """The admin's login form, under the same limit per client address as the login page."""


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form, whose wrong old passwords count as failed logins (django-axes).

    Without this, a stolen session could try any number of passwords here and learn
    the account's password.
    """

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            raise self._paused()
        try:
            return str(super().clean_old_password())
        except ValidationError:
            # Recorded by axes as a failed login of this account from this address.
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                # The form says so itself: axes' lockout page speaks of logging in.
                self.request.axes_locked_out = False  # type: ignore[attr-defined]
                raise self._paused() from None
            raise

    def _paused(self) -> ValidationError:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return ValidationError(PASSWORD_CHANGE_PAUSED % {"minutes": minutes}, code="throttled")


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form; the page only checks it, and a worker sends the email
    (``password_reset_send``), so no request shows whether the address has an account.
    """

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


def password_reset_send(*, email: str, language: str | None = None) -> None:
    """Queue a reset email to each active account with this address.

    Called by the worker with the address the reset page was given: looking the
    address up and building the email take time only here, never in the request.
    Running it twice sends a second email, whose link works as well as the first.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language or settings.LANGUAGE_CODE), transaction.atomic():
        form.save(
            domain_override=urlsplit(settings.SITE_URL).hostname,
            use_https=settings.SITE_IS_HTTPS,
        )
