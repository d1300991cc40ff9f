"""`service_area_get`: the store serving a PIN code, written out in SQL."""

import datetime

import pytest

from orders.models import DarkStore, ServiceArea
from orders.selectors import service_area_get
from orders.tests.factories import DarkStoreFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def test_the_area_comes_with_its_store_as_the_orm_reads_them(django_assert_num_queries):
    store = DarkStoreFactory(
        opens_at=datetime.time(6, 30), closes_at=datetime.time(23, 0)
    )
    ServiceAreaFactory(postal_code="560001", name="MG Road", store=store)

    with django_assert_num_queries(1):
        area = service_area_get(postal_code=" 560 001 ")
        read_store = area.store

    orm_area = ServiceArea.objects.get(postal_code="560001")
    orm_store = DarkStore.objects.get(pk=store.pk)
    for field in ServiceArea._meta.concrete_fields:
        assert getattr(area, field.attname) == getattr(orm_area, field.attname)
    for field in DarkStore._meta.concrete_fields:
        assert getattr(read_store, field.attname) == getattr(orm_store, field.attname)
    # Aware, as every datetime the ORM reads (SQLite keeps them naive).
    assert read_store.created_at.tzinfo is not None
    assert read_store.opens_at == datetime.time(6, 30)
    assert area._state.adding is False
    assert read_store._state.db == "default"


def test_an_unknown_or_blank_code_has_no_area(area):
    assert service_area_get(postal_code="110001") is None
    assert service_area_get(postal_code="  ") is None


def test_an_inactive_area_is_not_served(area):
    ServiceArea.objects.filter(pk=area.pk).update(is_active=False)

    assert service_area_get(postal_code="560001") is None


def test_an_area_of_an_inactive_store_is_not_served(area):
    DarkStore.objects.filter(pk=area.store_id).update(is_active=False)

    assert service_area_get(postal_code="560001") is None


def test_an_area_without_a_store_is_not_served(area):
    ServiceArea.objects.filter(pk=area.pk).update(store=None)

    assert service_area_get(postal_code="560001") is None
