"""SQL queries per page, asserted exactly, however many products a page shows.

Each test warms the category tree and the search synonyms first: both are
cached, and a page served from the cache is the normal case. A listing page
reads its products in two steps (`catalog.selectors.ListingPages`): the
page's ids on the sort keys alone, then those products' cards.
"""

import pytest
from django.core.cache import cache
from rest_framework_simplejwt.tokens import RefreshToken

from catalog.selectors import category_tree, search_synonyms
from catalog.tests.factories import ProductImageFactory, ProductVariantFactory
from orders.tests.factories import OrderLineFactory, ServiceAreaFactory

PAGE = 48


@pytest.fixture
def shelf_of_60(settings, tree, make_product):
    """60 milks with two sizes and a picture each: more than a page of 48."""
    settings.SHOP_PAGE_SIZE = PAGE
    products = []
    for n in range(60):
        product = make_product(
            name=f"Milk {n:02d}", category=tree["milk"], brand=f"Dairy {n % 7}"
        )
        ProductVariantFactory(product=product, label="1 l", price=55, mrp=60, stock=n)
        ProductImageFactory(product=product, thumbnail=f"products/thumbs/{n}.webp")
        products.append(product)
    category_tree()
    search_synonyms()
    return products


def cards(response) -> int:
    return response.content.decode().count('<article class="product-card')


@pytest.fixture
def shopper_with_cart_and_area(client, user, shelf_of_60):
    """A signed-in shopper with a cart line and a chosen delivery PIN code.

    Their pages count the store's queue once for its express promise; the
    cache keeps that answer for the store's next few seconds of pages.
    """
    from orders.selectors import SESSION_POSTAL_CODE_KEY
    from orders.services.cart import cart_get_or_create, cart_line_add

    variant = shelf_of_60[0].variants.first()
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1)
    area = ServiceAreaFactory()
    client.force_login(user)
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = area.postal_code
    session.save()
    return client


@pytest.mark.django_db
def test_category_page_of_48_for_a_visitor(
    client, shelf_of_60, django_assert_num_queries
):
    with django_assert_num_queries(4):
        response = client.get("/c/dairy/")

    assert cards(response) == PAGE


@pytest.mark.django_db
def test_category_page_of_48_for_a_shopper_with_a_cart(
    shopper_with_cart_and_area, django_assert_num_queries
):
    with django_assert_num_queries(8):
        response = shopper_with_cart_and_area.get("/c/milk/?ordering=price&in_stock=1")

    assert cards(response) == PAGE
    assert response.content.decode().count('action="/cart/set/"') == 2


@pytest.mark.django_db
def test_filtered_category_page_of_48(client, shelf_of_60, django_assert_num_queries):
    url = "/c/milk/?min_price=1&max_price=999&rating_min=0&brand=Dairy+1&brand=Dairy+2"
    with django_assert_num_queries(4):
        response = client.get(url + "&ordering=-price")

    assert cards(response) == 18


@pytest.mark.django_db
def test_search_page_of_48(client, shelf_of_60, django_assert_num_queries):
    with django_assert_num_queries(5):
        response = client.get("/search/?q=milk")

    assert cards(response) == PAGE


@pytest.mark.django_db
def test_product_page_for_a_visitor(client, shelf_of_60, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get(shelf_of_60[0].get_absolute_url())

    assert response.status_code == 200


@pytest.mark.django_db
def test_product_page_for_a_shopper_who_may_review(
    shopper_with_cart_and_area, user, shelf_of_60, django_assert_num_queries
):
    product = shelf_of_60[0]
    OrderLineFactory(
        order__user=user, order__status="delivered", variant=product.variants.first()
    )

    with django_assert_num_queries(9):
        response = shopper_with_cart_and_area.get(product.get_absolute_url())

    assert "Write a review" in response.content.decode()


@pytest.mark.django_db
def test_home_costs_the_same_for_few_and_many_products(
    client, tree, make_product, django_assert_num_queries
):
    make_product(name="Milk", category=tree["milk"])
    make_product(name="Banana", category=tree["fresh-fruits"])
    category_tree()
    # Choosing the featured products: two queries, then kept a few minutes.
    with django_assert_num_queries(4):
        few = client.get("/")
    with django_assert_num_queries(2):
        client.get("/")
    for n in range(30):
        make_product(name=f"Curd {n}", category=tree["milk"])
        make_product(name=f"Apple {n}", category=tree["fresh-fruits"])
    # The featured choice expires; the tree stays warm.
    cache.clear()
    category_tree()

    with django_assert_num_queries(4):
        client.get("/")
    with django_assert_num_queries(2):
        many = client.get("/")

    assert (cards(few), cards(many)) == (2 + 2, 12 + 6 + 6)


@pytest.mark.django_db
def test_api_product_list_of_48(api_client, shelf_of_60, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/products/?category=dairy&page_size=48")

    assert len(response.json()["results"]) == PAGE


@pytest.mark.django_db
def test_api_product_list_of_48_searched_with_a_token(
    api_client, user, shelf_of_60, django_assert_num_queries
):
    token = RefreshToken.for_user(user).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    # A public list authenticates nobody, so the token costs no user row.
    with django_assert_num_queries(4):
        response = api_client.get("/api/v1/products/?search=milk&page_size=48")

    assert len(response.json()["results"]) == PAGE


@pytest.mark.django_db
def test_api_categories_cost_nothing_when_warm(
    api_client, shelf_of_60, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/categories/")

    assert [c["slug"] for c in response.json()] == ["fruits", "dairy"]


@pytest.mark.django_db
def test_api_product_and_reviews(api_client, shelf_of_60, django_assert_num_queries):
    slug = shelf_of_60[0].slug
    with django_assert_num_queries(3):
        detail = api_client.get(f"/api/v1/products/{slug}/")
    with django_assert_num_queries(4):
        reviews = api_client.get(f"/api/v1/products/{slug}/reviews/")

    assert detail.status_code == 200
    assert reviews.status_code == 200
