"""Schemathesis over every operation of /api/schema/, in process, bounded for CI.

Each operation runs twice per client (anonymous, and a shopper's real JWT),
with schema-valid (positive) and schema-breaking (negative) data, under every
check the installed Schemathesis has: every answer is below 500 and matches
the schema (status code, content type, headers and body), a schema-valid
request is accepted or refused only for a reason the schema cannot state (an
unknown object, a state conflict, auth), and a schema-breaking one is
refused. Examples are derandomised and counted, so a run is the same every
time and takes a few minutes at most.

Beside those drawn cases, Schemathesis's coverage phase runs for every
operation: its fixed cases at each boundary (shortest and longest strings,
one past a limit, each wrong JSON type, each missing field, undeclared
methods), which random drawing seldom hits.
"""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    object_level_authorization,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from tests.shopdata import shop_seed, shopper_history

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(240)]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
    object_level_authorization,
]
# The password policy (Django's validators: not like the email or name, not a
# common password) is no JSON Schema; the schema states what it can (length,
# not only digits) and calls the field `format: password`. Schema-valid
# passwords are drawn from ones the policy accepts, so a refused sign-up is a
# finding. Negative cases still break the length and digit rules.
schemathesis.openapi.format(
    "password",
    st.builds(
        lambda drawn, tail: f"{drawn}~{tail}",
        st.uuids(),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
            max_size=16,
        ),
    ),
)
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_every_check_schemathesis_has_is_on():
    load_all_checks()

    assert {check.__name__ for check in CHECKS} == set(
        REGISTERED_CHECKS.get_all_names()
    )


def test_only_idempotent_writes_may_answer_422_to_valid_data():
    assert sorted(_idempotent_operation_ids(DOCUMENT)) == [
        "cart_item_add",
        "orders_place",
    ]


def _negatable(operation: dict) -> bool:
    """Whether schema-breaking input exists: a body, a query or a typed path value.

    A string path parameter cannot be made invalid inside a URL, so an
    operation with nothing else has no negative cases to run.
    """
    if "requestBody" in operation:
        return True
    return any(
        parameter["in"] != "path" or parameter["schema"].get("type") != "string"
        for parameter in operation.get("parameters", [])
    )


# Generated from the code at collection, so every operation is a test of its
# own; the schema the tests exercise is the one the server serves.
DOCUMENT = SchemaGenerator().get_schema(request=None, public=True)


def _idempotent_operation_ids(document: dict) -> list[str]:
    return [
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        and any(
            parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
            for parameter in operation.get("parameters", [])
        )
    ]


def _config(document: dict) -> SchemathesisConfig:
    """Every check at its defaults, but for the state an idempotent write meets.

    The same Idempotency-Key with another request is 422
    `idempotency_key_reused`: the contract's status (API.md), documented on
    each such operation. Generated cases draw the same few keys for different
    bodies, so there a schema-valid request is rightly refused by state
    alone, and 422 is accepted for those operations only.
    """
    accepted = [*PositiveDataAcceptanceConfig().expected_statuses, "422"]
    return SchemathesisConfig.from_dict(
        {
            "operations": [
                {
                    "include-operation-id": _idempotent_operation_ids(document),
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": accepted}
                    },
                }
            ]
        }
    )


def _operations(document: dict) -> list:
    cases = []
    for path, item in sorted(document["paths"].items()):
        for method, operation in sorted(item.items()):
            if method not in HTTP_METHODS:
                continue
            modes = [GenerationMode.POSITIVE]
            if _negatable(operation):
                modes.append(GenerationMode.NEGATIVE)
            cases += [
                pytest.param(
                    method.upper(),
                    path,
                    mode,
                    id=f"{method.upper()} {path} {mode.value}",
                )
                for mode in modes
            ]
    return cases


OPERATIONS = _operations(DOCUMENT)


@contextmanager
def _connections_kept():
    """Keep the test's database connection across in-process requests.

    Django closes old connections at each request's start and end; inside a
    test's transaction that would drop it. The test client does the same.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema():
    """The served OpenAPI schema, loaded through the WSGI app like a client."""
    with _connections_kept():
        return schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", WSGIHandler(), config=_config(DOCUMENT)
        )


@pytest.fixture
def in_process(db):
    with _connections_kept():
        yield


@pytest.fixture
def history(in_process, user):
    return shopper_history(shop=shop_seed(), user=user)


def _known_path_values(path: str, history) -> dict:
    """Path values that name real objects of the fuzzing shopper, per route."""
    if "/addresses/" in path:
        return {"id": history.address.pk, "pk": history.address.pk}
    if "/cart/" in path:
        return {"line_id": history.cart_line.pk, "id": history.cart_line.pk}
    if "/orders/" in path:
        return {"number": history.pending_order.number}
    if "/products/" in path:
        return {"slug": history.delivered_order.lines.get().variant.product.slug}
    return {}


def _strategy(operation, mode, history):
    """Generated cases, half of them aimed at the shopper's real objects."""
    generated = operation.as_strategy(generation_mode=mode)
    names = {parameter.name for parameter in operation.path_parameters}
    known = _known_path_values(operation.path, history)
    fixed = {name: value for name, value in known.items() if name in names}
    if not fixed or mode is GenerationMode.NEGATIVE:
        return generated
    return st.one_of(generated, operation.as_strategy(path_parameters=fixed))


def _run(operation, mode, history, headers: dict) -> None:
    @given(case=_strategy(operation, mode, history))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        # A real server always names the peer; rate limits key on it. The
        # WSGI client does not undo gzip as HTTP clients do: ask for none.
        case.call_and_validate(
            headers={"Accept-Encoding": "identity", **headers},
            checks=CHECKS,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

    fuzz()


def _coverage_cases(operation, history) -> list:
    """The coverage phase's cases: each boundary and each way to break the schema.

    Its values are fixed (the shortest string, a length one past the limit, a
    wrong type, a missing required field), so it reaches what random drawing
    rarely does. Cases with path values run again on the shopper's objects.
    """
    schema = operation.schema
    cases = list(
        schema.iter_coverage_cases(
            operation,
            generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(
                operation=operation, phase="coverage"
            ),
        )
    )
    names = {parameter.name for parameter in operation.path_parameters}
    known = _known_path_values(operation.path, history)
    fixed = {name: value for name, value in known.items() if name in names}
    if not fixed:
        return cases
    aimed = []
    for case in cases:
        if case.meta.generation.mode is GenerationMode.POSITIVE:
            again = operation.Case(
                path_parameters={**(case.path_parameters or {}), **fixed},
                query=case.query,
                headers=case.headers,
                body=case.body,
                media_type=case.media_type,
            )
            aimed.append(again)
    return cases + aimed


def _run_coverage(operation, history, headers: dict) -> None:
    """Every case runs, and the test names every case that failed, not the first."""
    failed = []
    for case in _coverage_cases(operation, history):
        try:
            case.call_and_validate(
                headers={"Accept-Encoding": "identity", **headers},
                checks=CHECKS,
                environ_base={"REMOTE_ADDR": "127.0.0.1"},
            )
        except FailureGroup as failures:
            failed.append(str(failures))
    assert not failed, "\n\n".join(failed)


COVERED = sorted(
    {(method, path) for method, path, _ in (param.values for param in OPERATIONS)}
)


@pytest.mark.parametrize(
    ("method", "path"), COVERED, ids=[f"{m} {p} coverage" for m, p in COVERED]
)
@pytest.mark.parametrize("client", ["anonymous", "shopper"])
def test_coverage_phase(api_schema, in_process, history, method, path, client):
    from rest_framework_simplejwt.tokens import RefreshToken

    headers = {}
    if client == "shopper":
        token = RefreshToken.for_user(history.user).access_token
        headers = {"Authorization": f"Bearer {token}"}

    _run_coverage(api_schema[path][method], history, headers)


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS)
def test_anonymous_client(api_schema, in_process, history, method, path, mode):
    _run(api_schema[path][method], mode, history, headers={})


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS)
def test_shopper_with_a_jwt(api_schema, in_process, history, method, path, mode):
    from rest_framework_simplejwt.tokens import RefreshToken

    token = RefreshToken.for_user(history.user).access_token

    _run(
        api_schema[path][method],
        mode,
        history,
        headers={"Authorization": f"Bearer {token}"},
    )
