"""Forms of the accounts pages, and the admin's user forms.

Forms validate and report per field; the views hand the cleaned data to the
services, which make every change.
"""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError

from accounts import selectors
from accounts.errors import EMAIL_TAKEN_MESSAGE
from accounts.models import Address, User, email_canonical
from accounts.validators import phone_clean, postal_code_clean

LOGIN_FAILED_MESSAGE = "Email or password is incorrect."
PASSWORD_MAX_LENGTH = 256


class AdminUserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class AdminUserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


def _email_field(**kwargs) -> forms.EmailField:
    return forms.EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        **kwargs,
    )


def _password_field(label: str, autocomplete: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


def password_min_length() -> int:
    """Return the shortest password the configured validators accept."""
    return next(
        (
            validator.min_length
            for validator in password_validation.get_default_password_validators()
            if hasattr(validator, "min_length")
        ),
        1,
    )


def password_hint() -> str:
    """Return the password rules as one hint under the field, not Django's list."""
    return (
        f"At least {password_min_length()} characters; not only numbers, not a "
        "common password, and not like your name or email."
    )


class LabelledForm:
    """A shopper's form: labels without Django's colon ("Email", not "Email:")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LoginForm(LabelledForm, forms.Form):
    email = _email_field()
    password = _password_field("Password", "current-password")


class RegisterForm(LabelledForm, forms.Form):
    email = _email_field()
    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = _password_field(
        "Password",
        "new-password",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_hint()

    def clean_email(self):
        email = email_canonical(self.cleaned_data["email"])
        if selectors.email_in_use(email=email):
            raise ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), name=cleaned.get("name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(LabelledForm, forms.Form):
    """Name, phone and email; changing the email asks for the password."""

    name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label="Mobile number",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    current_password = _password_field(
        "Current password",
        "current-password",
        required=False,
        help_text="Needed only to change your email address.",
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault(
            "initial", {"name": user.name, "phone": user.phone, "email": user.email}
        )
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return phone_clean(phone) if phone else ""

    def clean_email(self):
        email = email_canonical(self.cleaned_data["email"])
        if email != self.user.email and selectors.email_in_use(
            email=email, exclude_user=self.user
        ):
            raise ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email

    @property
    def email_changed(self) -> bool:
        return self.cleaned_data.get("email", self.user.email) != self.user.email

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and self.email_changed:
            password = cleaned.get("current_password") or ""
            if not self.user.check_password(password):
                self.add_error(
                    "current_password",
                    ValidationError(
                        "Enter your current password to change your email.",
                        code="password_incorrect",
                    ),
                )
        return cleaned


class PasswordChangePageForm(LabelledForm, PasswordChangeForm):
    """Old password and the new one twice; the view calls password_change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_hint()


class PasswordResetRequestForm(LabelledForm, forms.Form):
    email = _email_field()


class PasswordResetSetForm(LabelledForm, SetPasswordForm):
    """The new password twice, checked by the validators against the user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_hint()


class AddressForm(LabelledForm, forms.ModelForm):
    make_default = forms.BooleanField(
        label="Make this my default address", required=False
    )
    country = forms.ChoiceField(choices=[("IN", "India")], initial="IN")

    class Meta:
        model = Address
        fields = [
            "label",
            "name",
            "phone",
            "line1",
            "line2",
            "city",
            "state",
            "postal_code",
            "country",
        ]
        labels = {
            "name": "Recipient's name",
            "phone": "Mobile number",
            "postal_code": "PIN code",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
        }

    def clean_phone(self):
        return phone_clean(self.cleaned_data["phone"])

    def clean_postal_code(self):
        return postal_code_clean(self.cleaned_data["postal_code"])

    def address_data(self) -> dict:
        """Return the cleaned address fields for the address services."""
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
