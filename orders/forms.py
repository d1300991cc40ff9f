from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.forms import AddressForm
from accounts.validators import postal_code_clean


class _QuantityForm(forms.Form):
    """A variant and a quantity; the bounds come from settings at run time."""

    min_quantity = 1

    variant = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    next = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = forms.IntegerField(
            min_value=self.min_quantity, max_value=settings.SHOP_MAX_LINE_QUANTITY
        )

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            label = "" if name == "__all__" else f"{name.capitalize()}: "
            return f"{label}{errors[0]}"
        return ""


class CartAddForm(_QuantityForm):
    """ADD on a product card: a variant and how many more (1 by default)."""

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("quantity"):
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, **kwargs)


class CartSetForm(_QuantityForm):
    """The − qty + control: a variant and its new quantity; 0 removes it."""

    min_quantity = 0


class PostalCodeForm(forms.Form):
    postal_code = forms.CharField(
        label="PIN code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
        ),
    )
    next = forms.CharField(required=False, max_length=500)

    def clean_postal_code(self):
        return postal_code_clean(self.cleaned_data["postal_code"])


class PendingCartForm(forms.Form):
    """A cart change waiting for a PIN code: ADD (or + on a line) pressed
    before the shop knew which store's shelf to fill the cart from."""

    MODES = (("add", "add"), ("set", "set"))

    variant = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    mode = forms.ChoiceField(choices=MODES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = forms.IntegerField(
            min_value=1, max_value=settings.SHOP_MAX_LINE_QUANTITY
        )

    def pending(self) -> dict | None:
        """Return {variant, quantity, mode} when the data make one, else None."""
        if not self.is_valid():
            return None
        return {
            "variant": self.cleaned_data["variant"],
            "quantity": self.cleaned_data["quantity"],
            "mode": self.cleaned_data["mode"] or "add",
        }


class CheckoutForm(forms.Form):
    """The place-order form: an address, a slot and the page's one-time token."""

    address = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"required": "Please choose a delivery address."},
    )
    slot = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"required": "Please choose a delivery slot."},
    )
    token = forms.CharField(min_length=16, max_length=100)

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not token.replace("-", "").replace("_", "").isalnum():
            raise ValidationError("The form is out of date; please try again.")
        return token


class CheckoutAddressForm(AddressForm):
    """A new delivery address, added from checkout through the accounts service."""

    prefix = "new"
