import uuid
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import ProhibitNullCharactersValidator

from catalog.images import image_check
from catalog.models import Category, ProductImage, Review
from catalog.selectors import ORDERINGS

MAX_BRANDS = 20
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


class BrandsField(forms.Field):
    """Brands from checkboxes, repeated parameters or one comma-separated value."""

    widget = forms.SelectMultiple
    default_error_messages = {
        "too_many": f"Choose at most {MAX_BRANDS} brands.",
        "too_long": "A brand name has at most 100 characters.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators.append(ProhibitNullCharactersValidator())

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        brands = []
        for item in values:
            brands.extend(part.strip() for part in str(item).split(","))
        brands = list(dict.fromkeys(b for b in brands if b))
        if len(brands) > MAX_BRANDS:
            raise forms.ValidationError(self.error_messages["too_many"], "too_many")
        if any(len(b) > 100 for b in brands):
            raise forms.ValidationError(self.error_messages["too_long"], "too_long")
        return brands

    def run_validators(self, value):
        for brand in value or []:
            super().run_validators(brand)


class RawCheckbox(forms.CheckboxInput):
    # CheckboxInput turns absent into False; a filter must tell absent apart.
    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    """A yes/no filter: absent means no filter, anything unrecognised is an error."""

    widget = RawCheckbox
    default_error_messages = {"invalid": "Use true or false."}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], "invalid")


def _price_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"min": "0", "step": "1", "inputmode": "decimal"}
        ),
    )


class ProductFilterForm(forms.Form):
    """The filters and sort order of a listing, as query parameters.

    Shared by the category and search pages; the API's filter set uses the
    same fields and this form's cross-field rule.
    """

    min_price = _price_field("Lowest price")
    max_price = _price_field("Highest price")
    brand = BrandsField(label="Brand")
    in_stock = StrictBooleanField(label="In stock only")
    rating_min = forms.DecimalField(
        label="Rating",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        max_digits=3,
        decimal_places=1,
    )
    ordering = forms.ChoiceField(
        label="Sort by", required=False, choices=list(ORDERINGS.items())
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price",
                forms.ValidationError(
                    "The highest price must not be below the lowest price.",
                    code="price_range",
                ),
            )
            # Neither bound is trusted once they contradict each other.
            cleaned.pop("min_price", None)
        return cleaned

    def selector_filters(self) -> dict:
        """Return the valid filters as `catalog.selectors.product_list` arguments."""
        data = self.cleaned_data
        return {
            "min_price": data.get("min_price"),
            "max_price": data.get("max_price"),
            "brands": data.get("brand") or [],
            "in_stock": data.get("in_stock"),
            "rating_min": data.get("rating_min"),
            "ordering": data.get("ordering") or "relevance",
        }


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Review
        fields = ["rating", "title", "text"]
        labels = {"title": "Headline (optional)", "text": "Your review (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}


class PictureField(forms.ImageField):
    """An image upload checked by `image_check` before Pillow decodes anything.

    The stored name is a new one with the extension of the detected type, so
    PNG content uploaded as `invoice.pdf` is stored, and served, as a PNG.
    """

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            data.name = f"{uuid.uuid4().hex}.{image_check(data)}"
        return super().to_python(data)


class ProductImageAdminForm(forms.ModelForm):
    """A picture in the seller's admin, checked like every upload."""

    class Meta:
        model = ProductImage
        fields = ["image", "alt_text", "position"]
        field_classes = {"image": PictureField}


class CategoryAdminForm(forms.ModelForm):
    """A category in the admin; its picture is checked like every upload."""

    class Meta:
        model = Category
        fields = ["parent", "name", "slug", "position", "image", "is_active"]
        field_classes = {"image": PictureField}
