from django import forms

from orders.payments.offline import card_number_normalize


class CardNumberForm(forms.Form):
    """The offline provider's card form: just the number of a test card."""

    card_number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "4242 4242 4242 4242",
                "spellcheck": "false",
            }
        ),
    )

    def clean_card_number(self):
        number = card_number_normalize(self.cleaned_data["card_number"])
        if not number.isdigit() or len(number) != 16:
            raise forms.ValidationError("Enter the 16 digits of a test card.")
        return number


class RefundLinesForm(forms.Form):
    """A quantity to refund for each line of an order, and why."""

    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="Shown in the order's history and on the credit note.",
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            left = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.product_name} {line.variant_label} ({line.sku})",
                min_value=0,
                max_value=left,
                initial=0,
                required=False,
                disabled=left == 0,
                help_text=f"{left} of {line.quantity} can be refunded",
            )

    def line_rows(self):
        """Return (line, bound field) pairs for the template."""
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict[int, int]:
        """Return {line id: quantity} for the lines with something to refund."""
        return {
            line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Enter a quantity for at least one line.")
        return cleaned
