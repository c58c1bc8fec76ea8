"""``/v1/health``, ``/v1/openapi.json``, and a schemathesis fuzz of every documented route."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dispatch.service.keys import create_key

OPENAPI = Path(__file__).parents[2] / "dispatch" / "service" / "openapi.json"


def test_health_needs_no_key_and_reports_store_and_queue(client):
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() | {"version": "x"} == {
        "status": "ok",
        "store": True,
        "queue": True,
        "version": "x",
    }


def test_openapi_document_lists_every_route_of_the_api(app, client):
    document = client.get("/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue  # the staff pages at / are HTML, not the API (docs/web.md)
        path = re.sub(r"<any\([^)]*\):(\w+)>", r"{\1}", rule.rule)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


@pytest.fixture
def api_schema(make_app):
    import schemathesis

    app = make_app(MAX_TIME_LIMIT_S=1.0, MAX_WAIT_S=0.0)
    app.config["TEST_TOKEN"] = create_key(app.extensions["dispatch"].store, "admin").token
    return schemathesis.from_dict(json.loads(OPENAPI.read_text()), app=app)


def _schemathesis_tests():
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.from_pytest_fixture("api_schema")

    @schema.parametrize()
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    def test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response(case):
        token = case.operation.schema.app.config["TEST_TOKEN"]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code != 500, response.get_data(as_text=True)
        if response.status_code == 503:
            assert "Retry-After" in response.headers or case.path == "/v1/health"
        case.validate_response(
            response,
            checks=(status_code_conformance, content_type_conformance, response_schema_conformance),
        )

    return test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response


test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response = _schemathesis_tests()
