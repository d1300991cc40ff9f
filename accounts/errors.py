"""What the accounts services refuse, in the shop's one error vocabulary."""

from rest_framework import status

from shop.errors import Conflict, DomainError

EMAIL_TAKEN_MESSAGE = (
    "An account with this email already exists. Log in, or reset your password."
)


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self):
        super().__init__(
            EMAIL_TAKEN_MESSAGE, extra={"fields": {"email": [EMAIL_TAKEN_MESSAGE]}}
        )


class AlreadyVerified(Conflict):
    code = "already_verified"

    def __init__(self):
        super().__init__("Your email address is already verified.")


class TokenInvalid(DomainError):
    """A verification or reset link that is tampered, used, expired or stale.

    403: the request is well formed, and the link does not allow what it asks.
    """

    code = "token_invalid"
    status_code = status.HTTP_403_FORBIDDEN


WRONG_PASSWORD_MESSAGE = "Your current password is incorrect."


class WrongPassword(DomainError):
    """The current password sent to confirm a change is not the account's.

    403 like a refused link: the request is well formed and not allowed.
    """

    code = "wrong_password"
    status_code = status.HTTP_403_FORBIDDEN

    def __init__(self, *, field: str, message: str = WRONG_PASSWORD_MESSAGE):
        super().__init__(message, extra={"fields": {field: [message]}})


class DefaultAddressRequired(Conflict):
    code = "default_required"

    def __init__(self):
        super().__init__(
            "One address is always the default: make another address the "
            "default instead.",
            extra={"fields": {"is_default": ["Make another address the default."]}},
        )
