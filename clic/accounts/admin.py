from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Invitation, Organisation, RoleMembership, User


def superusers_only(request):
    return request.user.is_active and request.user.is_superuser


# The Django admin is a superuser's tool; staff use the service's own pages.
admin.site.has_permission = superusers_only
admin.site.site_header = "CLIC service administration"


class MembershipInline(admin.TabularInline):
    model = RoleMembership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["full_name", "job_title", "phone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]
    inlines = [MembershipInline]


admin.site.register(Organisation)
admin.site.register(Invitation)
