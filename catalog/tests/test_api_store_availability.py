"""`GET products/` and `products/<slug>/` answer availability at a named store."""

import pytest

from catalog.selectors import category_tree, search_synonyms
from catalog.tests.factories import ProductVariantFactory
from orders.tests.factories import DarkStoreFactory, ServiceAreaFactory, store_stock_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stores(tree, make_product):
    """Indiranagar (560038) has Apple; Koramangala (560095) has Banana's 1 kg."""
    here = DarkStoreFactory(name="Indiranagar")
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560038", name="Indiranagar", store=here)
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    apple = make_product(name="Apple", category=tree["fresh-fruits"], stock=0)
    banana = make_product(name="Banana", category=tree["fresh-fruits"], stock=0)
    kilo = ProductVariantFactory(product=banana, label="1 kg", stock=0)
    store_stock_set(variant=apple.variants.get(), quantity=4, store=here)
    store_stock_set(variant=kilo, quantity=6, store=there)
    category_tree()
    search_synonyms()
    return {"here": here, "there": there, "apple": apple, "banana": banana}


def _availability(body):
    return [(p["name"], p["in_stock"]) for p in body["results"]]


def test_the_list_answers_each_stores_shelf(api_client, two_stores):
    at_here = api_client.get("/api/v1/products/?postal_code=560038").json()
    at_there = api_client.get("/api/v1/products/?postal_code=560095").json()

    assert _availability(at_here) == [("Apple", True), ("Banana", False)]
    assert _availability(at_there) == [("Banana", True), ("Apple", False)]
    assert at_there["store"] == {
        "id": two_stores["there"].pk,
        "name": "Koramangala",
        "postal_code": "560095",
        "area_name": "Koramangala",
    }
    banana = at_there["results"][0]
    assert [(v["label"], v["in_stock"], v["stock"]) for v in banana["variants"]] == [
        ("500 g", False, 0),
        ("1 kg", True, 6),
    ]


def test_the_list_takes_a_store_id(api_client, two_stores):
    body = api_client.get(
        f"/api/v1/products/?store={two_stores['here'].pk}&in_stock=true"
    ).json()

    assert _availability(body) == [("Apple", True)]
    assert body["store"]["name"] == "Indiranagar"
    assert body["store"]["postal_code"] == ""


def test_a_v1_client_naming_no_store_sees_every_stores_stock(api_client, two_stores):
    body = api_client.get("/api/v1/products/").json()

    assert body["store"] is None
    assert _availability(body) == [("Apple", True), ("Banana", True)]
    assert set(body) == {"count", "next", "previous", "store", "results"}


def test_an_unserved_pin_code_is_404_naming_the_served_ones(api_client, two_stores):
    response = api_client.get("/api/v1/products/?postal_code=110001")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_serviceable",
        "detail": "We do not deliver to 110001 yet. We deliver to "
        "560038 (Indiranagar), 560095 (Koramangala).",
    }


@pytest.mark.parametrize(
    "query",
    ["postal_code=56-ab", "postal_code=012345", "store=abc", "store=0"],
)
def test_a_malformed_store_or_pin_code_is_400(api_client, two_stores, query):
    response = api_client.get(f"/api/v1/products/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) <= {"postal_code", "store"}


def test_an_unknown_or_closed_store_is_404(api_client, two_stores):
    closed = DarkStoreFactory(name="Closed", is_active=False)

    unknown = api_client.get("/api/v1/products/?store=999999")
    shut = api_client.get(f"/api/v1/products/?store={closed.pk}")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "store_not_found")
    assert (shut.status_code, shut.json()["code"]) == (404, "store_not_found")


def test_both_a_pin_code_and_a_store_is_400(api_client, two_stores):
    response = api_client.get(
        f"/api/v1/products/?postal_code=560038&store={two_stores['here'].pk}"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Give postal_code or store, not both."


def test_the_detail_answers_the_sizes_a_store_has(api_client, two_stores):
    slug = two_stores["banana"].slug

    at_here = api_client.get(f"/api/v1/products/{slug}/?postal_code=560038").json()
    at_there = api_client.get(f"/api/v1/products/{slug}/?postal_code=560095").json()
    anywhere = api_client.get(f"/api/v1/products/{slug}/").json()

    assert (at_here["in_stock"], at_there["in_stock"]) == (False, True)
    assert [v["stock"] for v in at_there["variants"]] == [0, 6]
    assert at_there["store"]["name"] == "Koramangala"
    assert anywhere["store"] is None
    assert [v["in_stock"] for v in anywhere["variants"]] == [False, True]


def test_the_detail_refuses_an_unserved_pin_code(api_client, two_stores):
    slug = two_stores["banana"].slug

    response = api_client.get(f"/api/v1/products/{slug}/?postal_code=110001")

    assert response.status_code == 404
    assert response.json()["code"] == "not_serviceable"


def test_a_list_at_a_store_costs_one_query_more(
    api_client, two_stores, django_assert_num_queries
):
    # The store of the PIN code, the count, the products, their variants.
    with django_assert_num_queries(4):
        response = api_client.get("/api/v1/products/?postal_code=560095&page_size=48")

    assert response.status_code == 200


def test_the_schema_documents_the_store_parameters_and_answers(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    components = schema["components"]["schemas"]

    for path in ("/api/v1/products/", "/api/v1/products/{slug}/"):
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert "not_serviceable" in parameters["postal_code"]["description"]
        assert parameters["store"]["schema"]["type"] == "integer"
    assert "404" in paths["/api/v1/products/"]["get"]["responses"]
    assert set(components["Variant"]["properties"]) >= {"in_stock", "stock"}
    assert components["ProductDetail"]["properties"]["store"]["nullable"] is True
    assert components["Cart"]["properties"]["store"]["nullable"] is True
    assert "unavailable" in components["Cart"]["required"]
