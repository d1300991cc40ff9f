"""The OpenAPI schema documents every accounts answer, errors included."""

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR_REF = "#/components/schemas/Error"
EXPECTED = {
    ("/api/v1/auth/register/", "post"): {"201", "400", "409", "429"},
    ("/api/v1/auth/verify-email/", "post"): {"200", "400"},
    ("/api/v1/auth/verify-email/resend/", "post"): {"202", "401", "409", "429"},
    ("/api/v1/auth/token/", "post"): {"200", "400", "401", "429"},
    ("/api/v1/auth/token/refresh/", "post"): {"200", "400", "401", "403", "429"},
    ("/api/v1/auth/logout/", "post"): {"204", "400", "401", "403"},
    ("/api/v1/auth/password-reset/", "post"): {"202", "400", "429"},
    ("/api/v1/auth/password-reset/confirm/", "post"): {"200", "400"},
    ("/api/v1/me/", "get"): {"200", "401"},
    ("/api/v1/me/", "patch"): {"200", "400", "401", "409", "429"},
    ("/api/v1/me/password/", "post"): {"200", "400", "401", "429"},
    ("/api/v1/me/addresses/", "get"): {"200", "401", "404"},
    ("/api/v1/me/addresses/", "post"): {"201", "400", "401"},
    ("/api/v1/me/addresses/{id}/", "get"): {"200", "401", "404"},
    ("/api/v1/me/addresses/{id}/", "patch"): {"200", "400", "401", "404"},
    ("/api/v1/me/addresses/{id}/", "delete"): {"204", "401", "404"},
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("path", "method"), sorted(EXPECTED))
def test_each_operation_documents_its_statuses_and_error_shape(schema, path, method):
    responses = schema["paths"][path][method]["responses"]

    assert EXPECTED[(path, method)] <= set(responses)
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            body = response["content"]["application/json"]["schema"]
            assert body == {"$ref": ERROR_REF}


def test_the_error_shape_is_code_detail_and_optional_fields(schema):
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) == {"code", "detail", "fields"}
    assert error["required"] == ["code", "detail"]


def test_token_answers_may_leave_out_the_refresh_in_cookie_mode(schema):
    pair = schema["components"]["schemas"]["TokenPair"]

    assert pair["required"] == ["access"]
    assert set(pair["properties"]) == {"access", "refresh"}


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("RegisterRequest", "password"),
        ("PasswordChangeRequest", "new_password"),
        ("PasswordResetConfirmRequest", "new_password"),
    ],
)
def test_a_new_password_states_the_policys_length(schema, component, field):
    password = schema["components"]["schemas"][component]["properties"][field]

    assert (password["minLength"], password["not"]) == (8, {"pattern": "^[0-9]*$"})
