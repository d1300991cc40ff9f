"""What an Indian phone number and PIN code look like, for forms and the API."""

import re

from django.core.exceptions import ValidationError

# A PIN code is six digits and never starts with 0.
_PIN_CODE = re.compile(r"^[1-9][0-9]{5}$")
# A mobile number: ten digits starting 6-9, optionally after +91, 91 or 0.
_MOBILE = re.compile(r"^(?:\+?91|0)?([6-9][0-9]{9})$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")

# The same rules as regular expressions on the raw input, for the OpenAPI
# schema: what postal_code_clean and phone_clean accept, separators included.
PIN_CODE_PATTERN = r"^\s*[1-9](?:\s*[0-9]){5}\s*$"
_SEPARATORS = r"[\s().-]*"
PHONE_PATTERN = (
    rf"^{_SEPARATORS}(?:(?:\+{_SEPARATORS})?9{_SEPARATORS}1{_SEPARATORS}|0{_SEPARATORS})?"
    rf"[6-9](?:{_SEPARATORS}[0-9]){{9}}{_SEPARATORS}$"
)

PIN_CODE_MESSAGE = "Enter a 6-digit PIN code, like 560001."
PHONE_MESSAGE = "Enter a 10-digit Indian mobile number, like +91 98765 43210."
# The formats as API clients read them in the OpenAPI schema.
PIN_CODE_HELP = "A 6-digit Indian PIN code not starting with 0, e.g. 560001."
PHONE_HELP = (
    "A 10-digit Indian mobile number starting 6-9, optionally after +91, 91 or 0; "
    "spaces, dashes, dots and brackets are ignored. Stored as +91XXXXXXXXXX."
)


def postal_code_clean(value: str) -> str:
    """Return the PIN code without spaces, or raise ValidationError."""
    cleaned = re.sub(r"\s", "", value or "")
    if not _PIN_CODE.match(cleaned):
        raise ValidationError(PIN_CODE_MESSAGE, code="invalid_postal_code")
    return cleaned


def phone_clean(value: str) -> str:
    """Return the mobile number as +91XXXXXXXXXX, or raise ValidationError."""
    match = _MOBILE.match(_PHONE_SEPARATORS.sub("", value or ""))
    if not match:
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return f"+91{match.group(1)}"
