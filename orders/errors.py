"""The refusals of the orders app, each with its machine-readable code."""

from shop.errors import Conflict, DomainError


class OutOfStock(Conflict):
    """Some lines asked for more than is left; nothing was taken."""

    code = "out_of_stock"

    def __init__(self, items: list[dict]):
        names = ", ".join(
            f"{item['name']} ({item['available']} left)" for item in items
        )
        super().__init__(
            f"Not enough stock for: {names}. Nothing was ordered; please adjust "
            "your cart.",
            extra={"items": items},
        )
        self.items = items


class SlotFull(Conflict):
    """The delivery slot has no capacity left."""

    code = "slot_full"


class IllegalTransition(Conflict):
    """The order's status may not change that way."""

    code = "illegal_transition"


class DeliveryStepForStaff(DomainError):
    """A seller asked for a delivery step, which only staff take."""

    code = "delivery_step_for_staff"
    status_code = 403


class TooManyUnpaidOrders(Conflict):
    """The shopper, or their client address, already holds stock in enough
    unpaid orders."""

    code = "too_many_unpaid_orders"


class OrderShareExceeded(Conflict):
    """A line asked for more of a variant than one order may take; nothing was
    taken."""

    code = "order_share_exceeded"

    def __init__(self, items: list[dict]):
        names = ", ".join(f"{item['allowed']} of {item['name']}" for item in items)
        super().__init__(
            f"One order may take at most {names} right now, so that other "
            "shoppers get some too. Nothing was ordered; please lower the "
            "quantity.",
            extra={"items": items},
        )
        self.items = items


class EmailNotVerified(DomainError):
    """Only a shopper whose email is confirmed may place an order."""

    code = "email_not_verified"
    status_code = 403


class ExpressUnavailable(Conflict):
    """Express delivery cannot be taken now (the store is closed, or its
    riders' places in the window are taken); carries the slots to pick instead.

    `code` says why: `express_full`, `store_closed`, or `slot_required` when
    the client chose no delivery and express was not there to default to.
    """

    code = "express_full"

    def __init__(self, message: str, *, code: str, slots: list):
        super().__init__(
            message,
            code=code,
            extra={
                "slots": [
                    {
                        "id": slot.pk,
                        "starts_at": slot.starts_at.isoformat(),
                        "ends_at": slot.ends_at.isoformat(),
                        "remaining": slot.remaining,
                    }
                    for slot in slots
                ]
            },
        )
        self.slots = slots
