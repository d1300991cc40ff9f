from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.forms import AdminUserAddForm, AdminUserEditForm
from accounts.models import Address, User
from accounts.services import user_tokens_revoke

# Only a superuser may hand out roles and permissions, so staff who may edit
# accounts (say, to fix a name) cannot make themselves or anyone else more.
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff manage accounts here; sellers have no permission on users."""

    add_form = AdminUserAddForm
    form = AdminUserEditForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "email_verified_at", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name", "phone"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [AddressInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "phone", "email_verified_at")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    actions = ["revoke_api_tokens"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ROLE_FIELDS
        return readonly

    @admin.action(description="Log out of the API everywhere (revoke refresh tokens)")
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(user_tokens_revoke(user=user) for user in queryset)
        self.message_user(
            request, f"{revoked} refresh token(s) revoked.", messages.SUCCESS
        )

    def get_inlines(self, request, obj):
        # A new account has no addresses yet; the add page stays one form.
        return self.inlines if obj else []

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
