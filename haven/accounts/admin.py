"""Admin for organisations and staff accounts only.

Persons, cases and the audit trail are deliberately not in the admin: every
read of personal data must go through the access selectors and be audited.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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
