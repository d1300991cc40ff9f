from decimal import Decimal

import pytest

from catalog.models import Review
from catalog.tests.factories import ProductImageFactory, ReviewFactory
from orders.tests.factories import OrderLineFactory

PRODUCTS = "/api/v1/products/"


def slugs(response) -> list[str]:
    return [p["slug"] for p in response.json()["results"]]


@pytest.fixture
def shelf(tree, make_product):
    return {
        "milk": make_product(
            name="Toned Milk",
            slug="toned-milk",
            category=tree["milk"],
            brand="Amul",
            price="30",
            mrp="32",
            rating_avg=Decimal("4.50"),
        ),
        "cheese": make_product(
            name="Cheese Slices",
            slug="cheese-slices",
            category=tree["cheese"],
            brand="Britannia",
            price="120",
            mrp="150",
            rating_avg=Decimal("3.20"),
        ),
        "banana": make_product(
            name="Banana Robusta",
            slug="banana-robusta",
            category=tree["fresh-fruits"],
            brand="FreshCart",
            price="45",
            mrp="50",
            stock=0,
        ),
    }


@pytest.mark.django_db
def test_categories_are_a_tree(api_client, tree):
    response = api_client.get("/api/v1/categories/")

    assert response.status_code == 200
    fruits, dairy = response.json()
    assert (fruits["slug"], dairy["slug"]) == ("fruits", "dairy")
    assert [c["slug"] for c in dairy["children"]] == ["cheese", "milk"]
    assert dairy["children"][0]["children"] == []
    assert dairy["url"] == "http://testserver/c/dairy/"


@pytest.mark.django_db
def test_product_list_shape(api_client, shelf):
    response = api_client.get(PRODUCTS, {"search": "toned"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["slug"] == "toned-milk"
    assert item["price"] == "30.00"
    assert item["mrp"] == "32.00"
    assert item["discount_percent"] == 6
    assert item["in_stock"] is True
    assert item["rating"] == "4.50"
    assert item["category"] == {
        "id": shelf["milk"].category_id,
        "name": "Milk",
        "slug": "milk",
    }
    assert item["thumbnail"] is None
    assert item["variants"][0]["sku"] == shelf["milk"].variants.get().sku
    assert item["url"] == "http://testserver/p/toned-milk/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "dairy"}, ["toned-milk", "cheese-slices"]),
        ({"category": "milk"}, ["toned-milk"]),
        ({"search": "bananna"}, ["banana-robusta"]),
        ({"min_price": "40"}, ["cheese-slices", "banana-robusta"]),
        ({"max_price": "45"}, ["toned-milk", "banana-robusta"]),
        ({"min_price": "30", "max_price": "30"}, ["toned-milk"]),
        # A range no schema can forbid: it matches nothing.
        ({"min_price": "90", "max_price": "10"}, []),
        ({"brand": "amul,britannia"}, ["toned-milk", "cheese-slices"]),
        ({"brand": ["Amul", "FreshCart"]}, ["toned-milk", "banana-robusta"]),
        ({"in_stock": "true"}, ["toned-milk", "cheese-slices"]),
        ({"in_stock": "false"}, ["banana-robusta"]),
        ({"rating_min": "4"}, ["toned-milk"]),
    ],
)
def test_product_filters(api_client, shelf, params, expected):
    response = api_client.get(PRODUCTS, {**params, "ordering": "rating"})

    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["toned-milk", "cheese-slices", "banana-robusta"]),
        ("-price", ["cheese-slices", "toned-milk", "banana-robusta"]),
        ("newest", ["cheese-slices", "toned-milk", "banana-robusta"]),
        ("rating", ["toned-milk", "cheese-slices", "banana-robusta"]),
    ],
)
def test_product_orderings_put_out_of_stock_last(api_client, shelf, ordering, expected):
    assert slugs(api_client.get(PRODUCTS, {"ordering": ordering})) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "cheap"}, "min_price"),
        ({"max_price": "1e999999"}, "max_price"),
        ({"min_price": "-5"}, "min_price"),
        ({"rating_min": "7"}, "rating_min"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"ordering": "cheapest"}, "ordering"),
        ({"min_price": "1.005"}, "min_price"),
        ({"max_price": "10000000000"}, "max_price"),
        ({"rating_min": "4.25"}, "rating_min"),
        ({"brand": "x" * 101}, "brand"),
    ],
)
def test_bad_parameters_are_400_in_the_error_shape(api_client, shelf, params, field):
    response = api_client.get(PRODUCTS, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith(f"{field}: ")
    assert list(body["fields"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["banana-robusta", "cheese-slices", "toned-milk"]),
        ("!!!", []),
        ("x" * 3000, []),
        # Text, never SQL: it finds no product rather than every product.
        ("' OR 1=1 --", []),
        ("%_", []),
        # Control characters are read as spaces, as on the search page.
        ("milk\x00", ["toned-milk"]),
    ],
)
def test_odd_searches_are_answered(api_client, shelf, query, expected):
    response = api_client.get(PRODUCTS, {"search": query})

    assert response.status_code == 200
    assert sorted(slugs(response)) == expected


@pytest.mark.django_db
def test_unknown_category_is_404(api_client, shelf):
    response = api_client.get(PRODUCTS, {"category": "no-such-aisle"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "999", "zero"])
def test_a_page_past_the_end_is_404(api_client, shelf, page):
    response = api_client.get(PRODUCTS, {"page": page})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_page_size_is_capped_at_100(api_client, shelf):
    response = api_client.get(PRODUCTS, {"page_size": "1"})

    assert len(response.json()["results"]) == 1
    assert response.json()["next"].endswith("page=2&page_size=1")


@pytest.mark.django_db
def test_product_detail_has_variants_images_and_breadcrumbs(api_client, shelf):
    ProductImageFactory(
        product=shelf["milk"], thumbnail="products/thumbs/milk.webp", alt_text="Milk"
    )

    response = api_client.get("/api/v1/products/toned-milk/")

    body = response.json()
    assert response.status_code == 200
    assert body["in_stock"] is True
    assert [c["slug"] for c in body["breadcrumbs"]] == ["dairy", "milk"]
    assert body["variants"][0]["price"] == "30.00"
    image = body["images"][0]
    assert image["thumbnail"] == "http://testserver/media/products/thumbs/milk.webp"
    assert image["image"].startswith("http://testserver/media/products/")
    assert image["alt_text"] == "Milk"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["no-such-product", "hidden-milk"])
def test_unknown_or_inactive_product_is_404(api_client, tree, make_product, slug):
    make_product(
        name="Hidden", slug="hidden-milk", category=tree["milk"], is_active=False
    )

    for path in (f"{PRODUCTS}{slug}/", f"{PRODUCTS}{slug}/reviews/"):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_reviews_are_listed_newest_first_without_emails(api_client, shelf):
    ReviewFactory(product=shelf["milk"], rating=3, user__name="Old Timer")
    ReviewFactory(product=shelf["milk"], rating=5, user__name="")

    response = api_client.get("/api/v1/products/toned-milk/reviews/")

    results = response.json()["results"]
    assert [r["rating"] for r in results] == [5, 3]
    assert [r["author"] for r in results] == ["A shopper", "Old"]
    assert "@" not in response.content.decode()


@pytest.mark.django_db
def test_posting_a_review_needs_a_token(api_client, shelf):
    response = api_client.post(
        "/api/v1/products/toned-milk/reviews/", {"rating": 5}, format="json"
    )

    assert response.status_code == 401
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_posting_a_review_needs_a_delivered_order(auth_api_client, shelf):
    OrderLineFactory(
        order__user=auth_api_client.user,
        order__status="paid",
        variant=shelf["milk"].variants.get(),
    )

    response = auth_api_client.post(
        "/api/v1/products/toned-milk/reviews/", {"rating": 5}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "review_not_allowed"
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_a_delivered_shopper_reviews_once(auth_api_client, shelf):
    OrderLineFactory(
        order__user=auth_api_client.user,
        order__status="delivered",
        variant=shelf["milk"].variants.get(),
    )
    url = "/api/v1/products/toned-milk/reviews/"

    first = auth_api_client.post(
        url, {"rating": 4, "title": "Creamy", "text": "Good."}, format="json"
    )
    second = auth_api_client.post(url, {"rating": 1}, format="json")

    assert first.status_code == 201
    assert first.json()["title"] == "Creamy"
    assert second.status_code == 409
    assert second.json()["code"] == "review_exists"
    shelf["milk"].refresh_from_db()
    assert (shelf["milk"].rating_count, shelf["milk"].rating_avg) == (1, Decimal("4"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rating": 0},
        {"rating": 6},
        {"rating": "five"},
        {"rating": 5, "title": "x" * 121},
    ],
)
def test_a_bad_review_is_400(auth_api_client, shelf, body):
    OrderLineFactory(
        order__user=auth_api_client.user,
        order__status="delivered",
        variant=shelf["milk"].variants.get(),
    )

    response = auth_api_client.post(
        "/api/v1/products/toned-milk/reviews/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_schema_documents_filters_with_enums_and_errors(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    schema = response.json()
    listing = schema["paths"]["/api/v1/products/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert set(parameters) >= {
        "category",
        "search",
        "min_price",
        "max_price",
        "brand",
        "in_stock",
        "rating_min",
        "ordering",
        "page",
        "page_size",
    }
    assert sorted(parameters["ordering"]["schema"]["enum"]) == sorted(
        ["relevance", "price", "-price", "newest", "rating"]
    )
    assert parameters["in_stock"]["schema"]["type"] == "boolean"
    assert set(listing["responses"]) >= {"200", "400", "404"}
    post = schema["paths"]["/api/v1/products/{slug}/reviews/"]["post"]
    assert set(post["responses"]) >= {"201", "400", "401", "403", "404", "409"}
