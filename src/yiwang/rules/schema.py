"""The fact schema: which named facts rules may use, their type, source data element and Chinese label.

Rules are validated against a schema when loaded, so that a typo in a fact name or a number compared with a
date is caught by the author, not by an applicant. The Django side builds the schema from its data elements
(一数一源一标准: each fact names the data element and thus the one authoritative source it comes from).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems, RuleError


class FactType(enum.StrEnum):
    """The value type of a fact; decides which operators and values a condition on it may use."""

    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    CATEGORY = "category"
    TAGS = "tags"


_TYPE_ALIASES = {"float": FactType.DECIMAL, "integer": FactType.INT, "boolean": FactType.BOOL}


@dataclass(frozen=True)
class FactDef:
    """One fact: ``source`` is the data element (and thus the authoritative source) it is read from.

    ``codes`` optionally lists the allowed codes of a category fact, or the vocabulary of a tags fact; when
    given, conditions are checked against it.
    """

    name: str
    type: FactType
    label: str
    source: str = ""
    unit: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactSchema:
    """A set of facts by name; ``FactSchema.from_dict`` / ``load_schema`` validate the authored form."""

    facts: Mapping[str, FactDef] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.facts

    def __getitem__(self, name: str) -> FactDef:
        return self.facts[name]

    def __iter__(self) -> Iterator[FactDef]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: str = "facts") -> FactSchema:
        """Build from ``{name: {type, label, source?, unit?, codes?}}`` (or ``{"facts": {...}}``)."""
        if isinstance(data, Mapping) and set(data) == {"facts"}:
            data = data["facts"]
        problems = Problems()
        facts: dict[str, FactDef] = {}
        if not isinstance(data, Mapping):
            raise RuleError.single(path, "not_mapping", "the fact schema must be a mapping of name to fact")
        for name, spec in data.items():
            here = f"{path}.{name}"
            if not isinstance(spec, Mapping):
                problems.add(here, "not_mapping", "a fact must be a mapping with type and label")
                continue
            unknown = set(spec) - {"type", "label", "source", "unit", "codes"}
            if unknown:
                problems.add(here, "unknown_key", f"unknown key(s) {sorted(unknown)}")
            raw_type = spec.get("type")
            try:
                ftype = _TYPE_ALIASES.get(str(raw_type)) or FactType(str(raw_type))
            except ValueError:
                allowed = ", ".join(t.value for t in FactType)
                problems.add(f"{here}.type", "bad_type", f"type {raw_type!r} is not one of {allowed}")
                continue
            label = spec.get("label")
            if not isinstance(label, str) or not label:
                problems.add(f"{here}.label", "missing_label", "every fact needs a Chinese label")
                continue
            codes = spec.get("codes", ())
            if not isinstance(codes, list | tuple) or not all(isinstance(c, str) for c in codes):
                problems.add(f"{here}.codes", "bad_codes", "codes must be a list of strings")
                codes = ()
            facts[str(name)] = FactDef(
                name=str(name),
                type=ftype,
                label=label,
                source=str(spec.get("source", "")),
                unit=str(spec.get("unit", "")),
                codes=tuple(codes),
            )
        problems.raise_if_any()
        return cls(facts)


def read_yaml(source: str | Path | Mapping[str, Any]) -> Any:
    """A mapping as is; a ``Path`` (or a string naming an existing .yaml file) read; else YAML text parsed."""
    if isinstance(source, Mapping):
        return source
    if isinstance(source, Path) or (
        "\n" not in source and source.endswith((".yaml", ".yml")) and Path(source).exists()
    ):
        return yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    return yaml.safe_load(source)


def load_schema(source: str | Path | Mapping[str, Any]) -> FactSchema:
    """Load a schema from a YAML file path, a YAML string or a plain mapping."""
    data = read_yaml(source)
    return FactSchema.from_dict(data if isinstance(data, Mapping) else {})
