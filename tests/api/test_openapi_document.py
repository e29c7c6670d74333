"""The OpenAPI document is valid OpenAPI 3.1 and describes every endpoint of the API blueprint completely."""

import re

from openapi_spec_validator import validate

from app.api import ROUTES
from app.api.openapi import path_parameters_missing

METHODS = {"get", "post", "put", "patch", "delete"}
ERROR = {"$ref": "#/components/schemas/Error"}


def test_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token of an organisation user"}


def test_every_api_route_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, method.lower()) for method in rule.methods if method.lower() in METHODS}
    assert served == documented - {("/openapi.json", "get")}


def test_every_operation_declares_parameters_bodies_and_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for route in ROUTES:
        assert not path_parameters_missing(route), route["path"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                assert parameter["schema"].get("type") or parameter["schema"].get("enum"), where
            codes = set(operation["responses"])
            assert codes & {"200", "201", "202"}, where
            assert "429" in codes, where
            if path == "/openapi.json" or path.startswith("/sign-in/"):  # public, no token (a trainee's phone)
                assert "security" not in operation and "401" not in codes, where
            elif path.startswith("/verify"):  # public: anyone may verify; a token, if sent, must be valid
                assert operation["security"] == [{}, {"bearer": []}] and "401" in codes, where
            else:
                assert operation["security"] == [{"bearer": []}] and "401" in codes, where
            if "requestBody" in operation:
                assert {"400", "422"} <= codes, where
                ((body_media, body),) = operation["requestBody"]["content"].items()
                assert body_media in {"application/json", "multipart/form-data"}, where
                assert body["schema"]["type"] == "object", where
            if "{" in path:
                assert "404" in codes, where
            for code, response in operation["responses"].items():
                (media,) = response["content"]
                if code.startswith(("4", "5")):  # the Error object, or one that extends it (allOf)
                    schema = response["content"][media]["schema"]
                    extended = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                    assert schema == ERROR or ERROR in extended.get("allOf", []), where


def test_query_parameters_of_the_wrong_type_are_refused_naming_the_parameter(client, api_user):
    _user, headers = api_user("admin")
    for url, field in [("/api/v1/people?limit=0", "limit"), ("/api/v1/people?offset=x", "offset"),
                       ("/api/v1/classes?project_id=abc", "project_id"), ("/api/v1/demands?status=gone", "status"),
                       ("/api/v1/apprenticeships?status=null", "status")]:
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert response.get_json()["field"] == field


def test_ids_too_large_for_the_database_are_not_found(client, api_user):
    _user, headers = api_user("evaluation_staff")
    for method, url in [("get", "/api/v1/people/99999999999999999999"), ("get", "/api/v1/plans/9223372036854775808"),
                        ("post", "/api/v1/plans/93903762068804000000/registrations")]:
        response = getattr(client, method)(url, headers=headers, json={})
        assert response.status_code == 404 and response.is_json, url


def test_a_boolean_is_not_an_id(client, api_user):
    _user, headers = api_user("evaluation_staff")
    response = client.post("/api/v1/certificate-jobs", headers=headers,
                           json={"scope_type": "assessment_plan", "scope_id": False})
    assert response.status_code == 422 and response.get_json()["field"] == "scope_id"
