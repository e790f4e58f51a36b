"""The capability catalogue, assembled from the code that implements each capability.

Two sources, and no list kept by hand beside them:

* configuration capabilities come from the configuration schema: every leaf field of
  `ProgramConfig` (walked through its nested models) names the capabilities it switches on in its
  `x-capabilities` metadata, so a capability's `config_keys` are exactly the schema paths that
  name it. The words people read (titles, description, keywords, an example fragment) are in
  `loyalty_core.capabilities.configuration`, keyed by code; a text whose code no field names, or
  a code named by a field with no text, stops the catalogue from being built;
* standard capabilities (what the core does out of the box) are declared in
  `loyalty_core.capabilities.standard`, each bound to its implementation: a POS API operation of
  the OpenAPI document (an operation with no declaration, or a declaration naming no operation,
  stops the build) or the function that does it (imported, so it cannot outlive the code).
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from loyalty_core.capabilities.configuration import TEXTS
from loyalty_core.capabilities.standard import DECLARATIONS, api_operations
from loyalty_core.config.schema import CAPABILITIES_KEY, ProgramConfig

STANDARD = "standard"
CONFIGURATION = "configuration"


class CatalogueError(Exception):
    """The catalogue and the code disagree (named capability or path); raised while building it."""


@dataclass(frozen=True)
class Capability:
    """One thing the loyalty core does: out of the box ("standard") or switched on by keys."""

    code: str  # stable, e.g. "earn.category_rates", "pos.enrol"
    kind: str  # "standard" | "configuration"
    title: str  # English, short
    title_ru: str  # Russian, short
    description: str  # English, one or two sentences of what it does
    config_keys: tuple[str, ...]  # schema paths ("promotions[].conditions.weekdays"); () for standard
    keywords: tuple[str, ...]  # English and Russian words people use for it (for matching)
    # Where it is implemented: "POST /members (enrollMember)", "loyalty_core.engine.calculate.calculate".
    implemented_by: tuple[str, ...] = ()
    # A configuration fragment switching it on (merged into a minimal configuration); None for standard.
    # Not compared or hashed: a dict is neither hashable nor part of a capability's identity.
    example: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def example_document(self) -> dict[str, Any]:
        """A copy of the example fragment (callers merge it into their own documents)."""
        return copy.deepcopy(dict(self.example or {}))


# --- the configuration schema ----------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The type inside Optional[...] and Annotated[...] (a field's declared shape, not its checks)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(the nested model a field holds, whether it is a list of them); (None, False) for a leaf."""
    shape = _unwrap(annotation)
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        return shape, False
    if typing.get_origin(shape) in (list, tuple):
        args = typing.get_args(shape)
        inner = _unwrap(args[0]) if args else None
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner, True
    return None, False


def _walk(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, FieldInfo, str]]:
    """(path, field, "module.Model.field") of every leaf under `model`."""
    for name, info in model.model_fields.items():
        nested, is_list = _model_of(info.annotation)
        path = f"{prefix}{name}"
        if nested is None:
            yield path, info, f"{model.__module__}.{model.__qualname__}.{name}"
        else:
            yield from _walk(nested, f"{path}[]." if is_list else f"{path}.")


def schema_leaves() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Every leaf of the configuration schema: (path, the capability codes its field names,
    "module.Model.field"), walked from ProgramConfig in schema order."""
    leaves = []
    for path, info, where in _walk(ProgramConfig, ""):
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        codes = extra.get(CAPABILITIES_KEY, [])
        if (
            isinstance(codes, str)
            or not isinstance(codes, list)
            or not all(isinstance(c, str) for c in codes)
        ):
            raise CatalogueError(f"{path}: {CAPABILITIES_KEY} must be a list of capability codes")
        leaves.append((path, tuple(str(c) for c in codes), where))
    return tuple(leaves)


def config_key_paths() -> tuple[str, ...]:
    """Every leaf path of the configuration schema, walked from ProgramConfig, in schema order.

    A list of nested models reads `promotions[].conditions.weekdays`; a mapping or a list of
    scalars is one leaf (`earn.category_rates`, `earn.excluded_categories`).
    """
    return tuple(path for path, _, _ in schema_leaves())


# --- assembly --------------------------------------------------------------------------------


def _configuration_capabilities() -> list[Capability]:
    keys: dict[str, list[str]] = {}  # code -> paths, codes in the order the schema first names them
    fields: dict[str, list[str]] = {}  # code -> the schema fields ("loyalty_core.config.schema.Tier.code")
    for path, codes, where in schema_leaves():
        for code in codes:
            keys.setdefault(code, []).append(path)
            fields.setdefault(code, []).append(where)
    unwritten = [code for code in keys if code not in TEXTS]
    if unwritten:
        raise CatalogueError(f"capabilities named by the schema but not described: {', '.join(unwritten)}")
    orphans = [code for code in TEXTS if code not in keys]
    if orphans:
        raise CatalogueError(f"capabilities described but named by no schema field: {', '.join(orphans)}")
    return [
        Capability(
            code=code,
            kind=CONFIGURATION,
            title=TEXTS[code].title,
            title_ru=TEXTS[code].title_ru,
            description=TEXTS[code].description,
            config_keys=tuple(paths),
            keywords=TEXTS[code].keywords,
            implemented_by=tuple(dict.fromkeys(fields[code])),
            example=TEXTS[code].example,
        )
        for code, paths in keys.items()
    ]


def _standard_capabilities() -> list[Capability]:
    operations = api_operations()
    declared_ops = {op for declaration in DECLARATIONS for op in declaration.operations}
    missing = [op for op in declared_ops if op not in operations]
    if missing:
        raise CatalogueError(
            f"capabilities name POS API operations that do not exist: {', '.join(sorted(missing))}"
        )
    undeclared = [op for op in operations if op not in declared_ops]
    if undeclared:
        raise CatalogueError(f"POS API operations with no capability: {', '.join(undeclared)}")
    found = []
    for declaration in DECLARATIONS:
        where = [operations[op] for op in declaration.operations]
        where += [f"{fn.__module__}.{fn.__qualname__}" for fn in declaration.functions]
        if not where:
            raise CatalogueError(f"{declaration.code}: a standard capability names its implementation")
        found.append(
            Capability(
                code=declaration.code,
                kind=STANDARD,
                title=declaration.title,
                title_ru=declaration.title_ru,
                description=declaration.description,
                config_keys=(),
                keywords=declaration.keywords,
                implemented_by=tuple(where),
            )
        )
    return found


@lru_cache(maxsize=1)
def catalogue() -> tuple[Capability, ...]:
    """Every capability of the core: standard ones first (as declared), then configuration ones
    in the order the schema names them. Codes are unique (CatalogueError otherwise)."""
    capabilities = _standard_capabilities() + _configuration_capabilities()
    seen: set[str] = set()
    for capability in capabilities:
        if capability.code in seen:
            raise CatalogueError(f"capability code {capability.code!r} is used twice")
        seen.add(capability.code)
    return tuple(capabilities)


def get_capability(code: str) -> Capability:
    """The capability with this code; KeyError naming the code when there is none."""
    for capability in catalogue():
        if capability.code == code:
            return capability
    raise KeyError(f"no capability {code!r}")


def to_json(capabilities: Iterable[Capability]) -> list[dict[str, Any]]:
    """JSON-safe records of capabilities (what `workbench capabilities --json` prints)."""
    return [
        {
            "code": c.code,
            "kind": c.kind,
            "title": c.title,
            "title_ru": c.title_ru,
            "description": c.description,
            "config_keys": list(c.config_keys),
            "keywords": list(c.keywords),
            "implemented_by": list(c.implemented_by),
            # Examples are plain JSON already (dicts, lists, strings, numbers): a copy is enough.
            "example": c.example_document() if c.example is not None else None,
        }
        for c in capabilities
    ]
