import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    """Every serializer and view is described well enough for the generator."""
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
    )

    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/orders/{number}/payment/" in schema


@pytest.mark.django_db
def test_address_formats_are_documented_for_api_clients(client):
    schema = client.get("/api/schema/?format=json").json()
    address = schema["components"]["schemas"]["AddressRequest"]["properties"]

    assert "6-digit Indian PIN code" in address["postal_code"]["description"]
    assert "10-digit Indian mobile number" in address["phone"]["description"]


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


PUBLIC_OPERATIONS = [
    ("get", "/api/v1/categories/"),
    ("get", "/api/v1/products/"),
    ("get", "/api/v1/products/{slug}/"),
    ("get", "/api/v1/products/{slug}/reviews/"),
    ("get", "/api/v1/delivery/slots/"),
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), PUBLIC_OPERATIONS)
def test_public_operations_ask_for_no_token(schema, method, path):
    assert "security" not in schema["paths"][path][method]


@pytest.mark.django_db
def test_posting_a_review_still_asks_for_a_token(schema):
    operation = schema["paths"]["/api/v1/products/{slug}/reviews/"]["post"]

    assert operation["security"] == [{"jwtAuth": []}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/products/", "/api/v1/categories/", "/api/v1/delivery/slots/"]
)
def test_a_bad_token_on_a_public_read_is_ignored(api_client, path):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.get(path, {"postal_code": "560001"})

    assert response.status_code != 401


@pytest.mark.django_db
def test_reviews_read_without_a_token_but_posting_needs_one(api_client, variant):
    product = variant.product
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    path = f"/api/v1/products/{product.slug}/reviews/"

    read = api_client.get(path)
    post = api_client.post(path, {"rating": 5, "body": "Good"}, format="json")

    assert read.status_code == 200
    assert post.status_code == 401


@pytest.mark.django_db
def test_changing_a_cart_line_requires_a_quantity_in_range(schema, settings):
    operation = schema["paths"]["/api/v1/cart/items/{line_id}/"]["patch"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    added = schema["components"]["schemas"]["CartItemAddRequest"]["properties"]

    assert body["required"] == ["quantity"]
    assert operation["requestBody"]["required"] is True
    assert (
        body["properties"]["quantity"]["minimum"],
        body["properties"]["quantity"]["maximum"],
    ) == (0, settings.SHOP_MAX_LINE_QUANTITY)
    assert (added["quantity"]["minimum"], added["quantity"]["maximum"]) == (1, 50)


@pytest.mark.django_db
def test_fields_every_answer_has_are_required_in_the_schema(schema):
    components = schema["components"]["schemas"]

    assert set(components["Address"]["required"]) == set(
        components["Address"]["properties"]
    )
    assert set(components["Order"]["required"]) == set(
        components["Order"]["properties"]
    )
    assert components["PaginatedProductListList"]["required"] == [
        "count",
        "next",
        "previous",
        "results",
        "store",
    ]
    # Truly optional ones stay optional.
    assert "fields" not in components["Error"]["required"]
    assert "refresh" not in components["TokenPair"]["required"]


@pytest.mark.django_db
def test_the_pdf_downloads_are_binary(schema):
    operation = schema["paths"]["/api/v1/orders/{number}/invoice/"]["get"]

    assert operation["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    # No `format` choice that would not be a PDF.
    assert [p["name"] for p in operation["parameters"]] == ["number"]


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["null", "0", "101", "ten"])
def test_a_page_size_out_of_the_schema_is_refused(api_client, page_size):
    response = api_client.get("/api/v1/products/", {"page_size": page_size})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["page_size"]


@pytest.mark.django_db
def test_a_page_size_in_range_is_taken(api_client, schema):
    response = api_client.get("/api/v1/products/", {"page_size": "100"})
    parameters = schema["paths"]["/api/v1/products/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")

    assert response.status_code == 200
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 100)


@pytest.mark.django_db
def test_request_defaults_are_stated_in_words_not_as_defaults(schema):
    login = schema["components"]["schemas"]["LoginRequest"]
    field = login["properties"]["refresh_in_cookie"]

    assert "default" not in field
    assert field["description"].endswith("Default: false.")
    assert "refresh_in_cookie" not in login["required"]
