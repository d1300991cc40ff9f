"""Input and output of the accounts API."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import (
    TokenBlacklistSerializer,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import UntypedToken

from accounts import selectors, services
from accounts.api.fields import (
    NewPasswordField,
    PasswordField,
    PhoneField,
    PhoneOrBlankField,
    PinCodeField,
)
from accounts.errors import WrongPassword
from accounts.forms import LOGIN_FAILED_MESSAGE
from accounts.jwt import ShopRefreshToken
from accounts.models import Address, User, email_canonical
from accounts.validators import (
    PHONE_HELP,
    PIN_CODE_HELP,
    phone_clean,
    postal_code_clean,
)
from shop.api_json import JSONTypes


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as error:
        raise serializers.ValidationError(list(error.messages)) from error


def _django_to_drf(clean, value):
    try:
        return clean(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(list(error.messages)) from error


class ProfileSerializer(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "email_verified", "date_joined"]
        read_only_fields = fields


class RegisterSerializer(JSONTypes, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150)
    password = NewPasswordField(
        help_text="Checked by the password validators: long enough, not common, "
        "not all digits, not like the email or name."
    )

    def validate_email(self, value: str) -> str:
        return email_canonical(value)

    def validate(self, attrs):
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            _validate_password(attrs["password"], candidate)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"password": error.detail}) from error
        return attrs


class EmailVerifySerializer(JSONTypes, serializers.Serializer):
    token = serializers.CharField(
        max_length=1000, help_text="The last part of the emailed link."
    )


class TokenObtainSerializer(JSONTypes, TokenObtainPairSerializer):
    """Email and password for an access and a refresh token.

    Any failure (unknown email, wrong password, inactive account) is the same
    401 `invalid_credentials`, so the answer reveals nothing about accounts.
    """

    default_error_messages = {"no_active_account": LOGIN_FAILED_MESSAGE}
    token_class = ShopRefreshToken

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = serializers.EmailField(
            write_only=True, max_length=254
        )
        self.fields["password"] = PasswordField()
        self.fields["refresh_in_cookie"] = serializers.BooleanField(
            write_only=True, required=False, default=False
        )

    def validate(self, attrs):
        try:
            data = super().validate(attrs)
        except exceptions.AuthenticationFailed as error:
            raise exceptions.AuthenticationFailed(
                LOGIN_FAILED_MESSAGE, code="invalid_credentials"
            ) from error
        return {**data, "refresh_in_cookie": attrs["refresh_in_cookie"]}


class LoginSerializer(JSONTypes, serializers.Serializer):
    """The documented body of `auth/token/`."""

    email = serializers.EmailField(max_length=254)
    password = PasswordField()
    refresh_in_cookie = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Set the refresh token as an HttpOnly cookie for "
        "/api/v1/auth/ instead of returning it in the body (browser SPAs).",
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Short-lived; send as `Bearer`.")
    refresh = serializers.CharField(
        required=False,
        help_text="Absent in cookie mode, where it is in the HttpOnly cookie.",
    )


class TokenRotateSerializer(JSONTypes, TokenRefreshSerializer):
    """simplejwt's rotation; the view supplies the token from the body or cookie."""

    token_class = ShopRefreshToken

    def validate(self, attrs):
        # Two refreshes racing with one token must not both rotate it: the
        # row lock makes the second wait, then find the token blacklisted.
        jti = UntypedToken(attrs["refresh"]).get(jwt_settings.JTI_CLAIM)
        try:
            with transaction.atomic():
                outstanding = selectors.outstanding_token_lock(jti=jti)
                if outstanding is None or not selectors.token_blacklisted(
                    token=outstanding
                ):
                    return super().validate(attrs)
                # Rotated already: a copy is in use. Revoked (and committed)
                # before the refusal below.
                services.refresh_token_family_revoke(reused=outstanding)
        except User.DoesNotExist as error:
            # The account was deleted after the token was issued.
            raise exceptions.AuthenticationFailed(
                "No active account for this token.", code="no_active_account"
            ) from error
        raise exceptions.AuthenticationFailed(
            "Token is blacklisted", code="token_not_valid"
        )


class RefreshSerializer(JSONTypes, serializers.Serializer):
    refresh = serializers.CharField(
        required=False,
        help_text="Leave out in cookie mode: the HttpOnly cookie is used, and "
        "the request must carry the csrftoken cookie's value in X-CSRFToken.",
    )


class TokenRevokeSerializer(JSONTypes, TokenBlacklistSerializer):
    """simplejwt's blacklisting; the view supplies the token from body or cookie."""

    token_class = ShopRefreshToken


class PasswordResetSerializer(JSONTypes, serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(JSONTypes, serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = NewPasswordField(
        help_text="Checked by the password validators, as at sign-up."
    )

    def validate(self, attrs):
        # The link first: validators compare the password with this user.
        user = services.password_reset_user(uidb64=attrs["uid"], token=attrs["token"])
        try:
            _validate_password(attrs["new_password"], user)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"new_password": error.detail}) from error
        return attrs


class PasswordChangeSerializer(JSONTypes, serializers.Serializer):
    old_password = PasswordField(
        help_text="The password the account has now; a wrong one is 403 "
        "`wrong_password`."
    )
    new_password = NewPasswordField(
        help_text="Checked by the password validators, as at sign-up."
    )
    refresh_in_cookie = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Answer the new refresh token in the HttpOnly cookie.",
    )

    def validate_new_password(self, value: str) -> str:
        _validate_password(value, self.context["request"].user)
        return value

    def validate(self, attrs):
        # After the fields: a malformed request is 400 before any password check.
        if not self.context["request"].user.check_password(attrs["old_password"]):
            raise WrongPassword(field="old_password")
        return attrs


PASSWORD_NEEDED = "Enter your current password to change your email."


class ProfileUpdateSerializer(JSONTypes, serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    phone = PhoneOrBlankField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="An Indian mobile number; stored as +91XXXXXXXXXX. Blank clears.",
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text="A new email must be verified again: a link is sent to it.",
    )
    current_password = PasswordField(
        required=False,
        help_text="Required with a new `email`: without it, or with a wrong "
        "one, 403 `wrong_password`.",
    )

    def validate_phone(self, value: str) -> str:
        value = value.strip()
        return _django_to_drf(phone_clean, value) if value else ""

    def validate_email(self, value: str) -> str:
        return email_canonical(value)

    def validate(self, attrs):
        user = self.context["request"].user
        email = attrs.get("email")
        email_changes = email is not None and email != user.email
        if not email_changes:
            return attrs
        # Left out or wrong, it is the same refusal of a well-formed request:
        # a JSON Schema that makes one field need another breaks the
        # generated clients, so the schema says it in words.
        password = attrs.get("current_password")
        if not password:
            raise WrongPassword(field="current_password", message=PASSWORD_NEEDED)
        if not user.check_password(password):
            raise WrongPassword(field="current_password")
        return attrs


class AddressSerializer(JSONTypes, serializers.ModelSerializer):
    phone = PhoneField(max_length=20, help_text=PHONE_HELP)
    postal_code = PinCodeField(max_length=12, help_text=PIN_CODE_HELP)
    # The message does not echo the input: a lone surrogate in it could not
    # be encoded into the JSON answer.
    country = serializers.ChoiceField(
        choices=[("IN", "India")],
        default="IN",
        error_messages={"invalid_choice": "We deliver in India only: use IN."},
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text="true makes this the one default address; the default cannot "
        "be unset, only replaced.",
    )

    class Meta:
        model = Address
        fields = [
            "id",
            "label",
            "name",
            "phone",
            "line1",
            "line2",
            "city",
            "state",
            "postal_code",
            "country",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_phone(self, value: str) -> str:
        return _django_to_drf(phone_clean, value)

    def validate_postal_code(self, value: str) -> str:
        return _django_to_drf(postal_code_clean, value)
