"""The OpenAPI document, made from the declared endpoints."""

from __future__ import annotations

import re
from typing import Any

from core.web.jsonapi import Endpoint

PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["code", "message"],
        }
    },
}
QUERY_DESCRIPTIONS = {"limit": "Page size, 1 to 100 (default 20).", "cursor": "The `next` of the previous page."}


def _operation(endpoint: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for name, kind in PARAM.findall(endpoint.path):
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer" if kind == "int" else "string"}}
        )
    for name in endpoint.query:
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": QUERY_DESCRIPTIONS.get(name, ""),
            }
        )
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        str(endpoint.status): {"description": "Success"},
        "400": {"description": "Invalid request", **error},
        "404": {"description": "Not found, or not visible to the viewer", **error},
    }
    if endpoint.auth:
        responses["401"] = {"description": "Not signed in", **error}
        responses["403"] = {"description": "Not allowed", **error}
    operation: dict[str, Any] = {
        "operationId": f"{endpoint.tag}_{endpoint.handler.__name__}",
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.auth:
        operation["security"] = [{"bearer": []}, {"session": []}]
    if endpoint.body is not None:
        name = endpoint.body.__name__
        schema = endpoint.body.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))  # the models it refers to (a survey's questions) sit beside it
        schemas[name] = schema
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    if endpoint.files:
        properties = {name: {"type": "string", "format": "binary"} for name in endpoint.files}
        schema = {"type": "object", "properties": properties, "required": list(endpoint.files)}
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    return operation


def openapi_document(endpoints: list[Endpoint], prefix: str = "/api/v1") -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        path = prefix + PARAM.sub(lambda match: "{" + match.group(1) + "}", endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Quanzi API", "version": "1", "description": "See docs/api.md for conventions."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "quanzi_session",
                    "description": "Unsafe methods also need the X-CSRF-Token header.",
                },
            },
        },
    }
