"""The OpenAPI description documents every answer the API gives (the schemathesis run checks the bodies)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def operations(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_every_read_is_documented_as_public(operations):
    reads = [(path, op) for method, path, op in operations if method == "GET"]
    assert reads and all({} in op["security"] for _, op in reads), [p for p, op in reads if {} not in op["security"]]


def test_writes_are_documented_as_needing_a_token(operations):
    writes = [op for method, _, op in operations if method in ("POST", "PUT", "PATCH", "DELETE")]
    assert writes and all({} not in op["security"] and {"tokenAuth": []} in op["security"] for op in writes)


def test_every_operation_documents_its_errors(operations):
    for method, path, op in operations:
        codes = set(op["responses"])
        assert {"400", "404" if "{" in path else "400", "405", "429", "500"} <= codes, (method, path, codes)
        if method == "DELETE":
            assert {"401", "403", "409"} <= codes, (method, path)
        if method in ("POST", "PUT", "PATCH"):
            assert {"401", "403", "413", "415"} <= codes, (method, path)


def test_a_write_documents_the_record_as_reads_show_it(operations):
    created = {path: op for method, path, op in operations if method == "POST"}
    for path, resource in [("/api/v1/cases/", "Case"), ("/api/v1/events/", "Event"), ("/api/v1/measures/", "Measure")]:
        answer = created[path]["responses"]["201"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": f"#/components/schemas/{resource}"}, (path, answer)
