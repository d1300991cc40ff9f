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
