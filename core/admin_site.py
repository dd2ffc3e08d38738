from django.contrib import admin
from django.http import HttpRequest
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
