import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from catalog import services
from catalog.errors import ReviewExists, ReviewNotAllowed
from catalog.models import Review
from catalog.tests.factories import ReviewFactory
from orders.tests.factories import OrderLineFactory


def delivered(user, product):
    OrderLineFactory(
        order__user=user, order__status="delivered", variant=product.variants.first()
    )


@pytest.mark.django_db
def test_review_updates_the_stored_average_and_count(user, tree, make_product):
    product = make_product(category=tree["milk"])
    ReviewFactory(product=product, rating=2)
    delivered(user, product)

    services.review_create(user=user, product=product, rating=5, title=" Great ")

    product.refresh_from_db()
    assert (product.rating_count, product.rating_avg) == (1 + 1, Decimal("3.50"))
    assert Review.objects.get(user=user).title == "Great"


@pytest.mark.django_db
def test_a_second_review_is_a_conflict_and_changes_nothing(user, tree, make_product):
    product = make_product(category=tree["milk"])
    delivered(user, product)
    services.review_create(user=user, product=product, rating=5)

    with pytest.raises(ReviewExists):
        services.review_create(user=user, product=product, rating=1)

    product.refresh_from_db()
    assert (product.rating_count, product.rating_avg) == (1, Decimal("5.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending_payment", "paid", "out_for_delivery"])
def test_no_review_before_delivery(user, tree, make_product, status):
    product = make_product(category=tree["milk"])
    OrderLineFactory(
        order__user=user, order__status=status, variant=product.variants.first()
    )

    with pytest.raises(ReviewNotAllowed):
        services.review_create(user=user, product=product, rating=5)

    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_someone_elses_delivery_does_not_count(user, other_user, tree, make_product):
    product = make_product(category=tree["milk"])
    delivered(other_user, product)

    with pytest.raises(ReviewNotAllowed):
        services.review_create(user=user, product=product, rating=5)


@pytest.mark.django_db
def test_deleting_a_review_recomputes_the_rating(tree, make_product):
    product = make_product(category=tree["milk"])
    keep = ReviewFactory(product=product, rating=4)
    gone = ReviewFactory(product=product, rating=1)
    services.product_ratings_refresh(product_ids=[product.pk])

    services.review_delete(review=gone)

    product.refresh_from_db()
    assert keep.pk
    assert (product.rating_count, product.rating_avg) == (1, Decimal("4.00"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_leave_a_correct_average(tree, make_product):
    product = make_product(category=tree["milk"])
    shoppers = [UserFactory() for _ in range(6)]
    for shopper in shoppers:
        delivered(shopper, product)
    ratings = [5, 4, 3, 5, 1, 2]
    barrier = threading.Barrier(len(shoppers))
    errors = []

    def review(shopper, rating):
        try:
            barrier.wait(timeout=10)
            services.review_create(user=shopper, product=product, rating=rating)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=pair)
        for pair in zip(shoppers, ratings, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    product.refresh_from_db()
    assert errors == []
    assert product.rating_count == 6
    assert product.rating_avg == Decimal("3.33")


@pytest.mark.django_db(transaction=True)
def test_the_same_shopper_twice_at_once_gets_one_review(tree, make_product):
    product = make_product(category=tree["milk"])
    shopper = UserFactory()
    delivered(shopper, product)
    barrier = threading.Barrier(2)
    outcomes = []

    def review():
        try:
            barrier.wait(timeout=10)
            services.review_create(user=shopper, product=product, rating=5)
            outcomes.append("created")
        except ReviewExists:
            outcomes.append("exists")
        finally:
            connection.close()

    threads = [threading.Thread(target=review) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "exists"]
    assert Review.objects.filter(product=product).count() == 1
