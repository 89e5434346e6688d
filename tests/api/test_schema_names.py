"""The published OpenAPI names each schema once: Ninja keys components by class name, so two schemas of one name
silently become one and an endpoint documents the other's fields (the submit request lost its ``item_code``)."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from yiwang.api import api


def _schema_classes() -> list[type[Schema]]:
    api.get_openapi_schema()  # every router is imported and mounted
    seen: list[type[Schema]] = []
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("yiwang.")]


def _clashes(modules: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _schema_classes():
        by_name[cls.__name__].add(cls.__module__)
    return {
        name: sorted(where)
        for name, where in by_name.items()
        if len(where) > 1 and (modules is None or any(m.startswith(modules) for m in where))
    }


def test_the_backbone_and_catalogue_schemas_have_names_of_their_own():
    assert _clashes(("yiwang.catalog", "yiwang.registries", "yiwang.certificates", "yiwang.accounts")) == {}


def test_every_component_name_is_unique_and_the_submit_request_has_its_item_code():
    assert _clashes() == {}
    spec = api.get_openapi_schema()
    body = spec["paths"]["/api/v1/applications/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    component = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert "item_code" in component["properties"]
