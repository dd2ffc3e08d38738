from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.auth import AdminLoginForm


class SuperuserAdminSite(admin.AdminSite):
    """The Django admin for superusers only: roles work in the product's own pages."""

    site_header = _("Customer focus QMS administration")
    site_title = _("QMS administration")
    # Failed admin logins count against the client as on the login page.
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    # The stubs say Django's page is a TemplateResponse; this one is a redirect.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        # One page changes passwords: the product's, where wrong old passwords count
        # as failed logins. The admin's own would let them be tried without limit.
        return HttpResponseRedirect(reverse("password_change"))
