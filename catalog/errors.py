"""The refusals of the catalogue, each with its machine-readable code."""

from shop.errors import Conflict, DomainError


class ReviewNotAllowed(DomainError):
    """The shopper has no delivered order of the product."""

    code = "review_not_allowed"
    status_code = 403


class ReviewExists(Conflict):
    """The shopper reviewed this product already."""

    code = "review_exists"
