import threading

import pytest
from django.db import connection

from accounts.errors import DefaultAddressRequired
from accounts.models import Address
from accounts.services import (
    address_create,
    address_default_set,
    address_delete,
    address_update,
)
from accounts.tests.factories import AddressFactory, UserFactory

DATA = {
    "label": "Home",
    "name": "Asha Rao",
    "phone": "+919876543210",
    "line1": "12 Residency Road",
    "line2": "",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560025",
    "country": "IN",
}


def defaults_of(user) -> list[int]:
    return list(
        Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_the_first_address_becomes_the_default(user):
    address = address_create(user=user, data=DATA)

    assert address.is_default
    assert address.postal_code == "560025"
    assert defaults_of(user) == [address.pk]


@pytest.mark.django_db
def test_a_second_address_is_not_the_default_unless_asked(user):
    first = address_create(user=user, data=DATA)

    second = address_create(user=user, data={**DATA, "label": "Work"})

    assert not second.is_default
    assert defaults_of(user) == [first.pk]


@pytest.mark.django_db
def test_a_new_default_replaces_the_old_one(user):
    address_create(user=user, data=DATA)

    second = address_create(user=user, data=DATA, make_default=True)

    assert defaults_of(user) == [second.pk]


@pytest.mark.django_db
def test_make_default_flips_the_default(user):
    first = address_create(user=user, data=DATA)
    second = address_create(user=user, data=DATA)

    address_default_set(address=second)

    assert defaults_of(user) == [second.pk]
    first.refresh_from_db()
    assert not first.is_default


@pytest.mark.django_db
def test_the_default_cannot_be_unset(user):
    first = address_create(user=user, data=DATA)

    with pytest.raises(DefaultAddressRequired):
        address_update(address=first, data={"label": "Flat"}, make_default=False)

    first.refresh_from_db()
    assert first.is_default
    assert first.label == "Home"


@pytest.mark.django_db
def test_update_changes_only_the_given_fields(user):
    address = address_create(user=user, data=DATA)

    address_update(address=address, data={"city": "Mysuru", "postal_code": "570001"})

    address.refresh_from_db()
    assert (address.city, address.postal_code, address.line1) == (
        "Mysuru",
        "570001",
        "12 Residency Road",
    )


@pytest.mark.django_db
def test_deleting_the_default_makes_the_newest_other_address_the_default(user):
    default = address_create(user=user, data=DATA)
    address_create(user=user, data={**DATA, "label": "Old"})
    newest = address_create(user=user, data={**DATA, "label": "New"})

    address_delete(address=default)

    assert not Address.objects.filter(pk=default.pk).exists()
    assert defaults_of(user) == [newest.pk]


@pytest.mark.django_db
def test_deleting_another_address_keeps_the_default(user):
    default = address_create(user=user, data=DATA)
    other = address_create(user=user, data=DATA)

    address_delete(address=other)

    assert defaults_of(user) == [default.pk]
    assert Address.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_other_users_defaults_are_untouched(user, other_user):
    theirs = AddressFactory(user=other_user, is_default=True)

    address_create(user=user, data=DATA, make_default=True)

    theirs.refresh_from_db()
    assert theirs.is_default


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_addresses_leave_exactly_one_default():
    user = UserFactory()
    barrier = threading.Barrier(6)
    errors = []

    def add(index: int):
        try:
            barrier.wait()
            address_create(user=user, data={**DATA, "label": f"A{index}"})
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Address.objects.filter(user=user).count() == 6
    assert len(defaults_of(user)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_make_default_leaves_exactly_one_default():
    user = UserFactory()
    addresses = [address_create(user=user, data=DATA) for _ in range(6)]
    barrier = threading.Barrier(6)
    errors = []

    def make_default(address):
        try:
            barrier.wait()
            address_default_set(address=address)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=make_default, args=(a,)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(defaults_of(user)) == 1


@pytest.mark.django_db
def test_updating_an_address_deleted_meanwhile_is_404(user):
    from shop.errors import NotFound

    address = address_create(user=user, data=DATA)
    Address.objects.filter(pk=address.pk).delete()

    with pytest.raises(NotFound, match="^That address was not found.$"):
        address_update(address=address, data={"city": "Pune"})

    assert not Address.objects.exists()
