"""Who may review a product: a question the orders app answers, wired from it.

Catalog sits below orders and never imports it; the orders app registers
its answer ("an order of it was delivered to them") in `AppConfig.ready`.
Without one, nobody may review.
"""

from collections.abc import Callable

# check(user=..., product=...) -> bool
ReviewEligibility = Callable[..., bool]

_eligibility: list[ReviewEligibility] = []


def review_eligibility_register(check: ReviewEligibility) -> None:
    """Make `check(user=, product=)` the answer to who may review a product."""
    _eligibility[:] = [check]


def user_may_review(*, user, product) -> bool:
    """Return whether the user may review the product (False without an answer)."""
    if user is None or not user.is_authenticated or not _eligibility:
        return False
    return _eligibility[0](user=user, product=product)
