"""Admin for organisations and staff accounts only.

Persons, cases and the audit trail are deliberately not in the admin: every
read of personal data must go through the access selectors and be audited.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from haven.accounts import services
from haven.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "org_type", "country", "region")
    list_filter = ("org_type", "country")
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "organisation", "role", "is_active", "locked_until")
    list_filter = ("role", "organisation__org_type", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Haven", {"fields": ("organisation", "role", "is_demo", "failed_logins", "locked_until")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A disabled or locked account keeps no API token."""
        super().save_model(request, obj, form, change)
        actor = request.user if isinstance(request.user, User) else None
        services.api_tokens_revoke_if_barred(actor=actor, user=obj)
