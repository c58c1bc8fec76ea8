"""What-if files and bodies (docs/whatif.md): a base scenario plus changes, one ``WhatIf`` each."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch.scenario.changes import apply_changes, validate
from dispatch.scenario.costs import Costs, read_costs
from dispatch.scenario.documents import read_document
from dispatch.scenario.fields import check_fields, expect, fail, got
from dispatch.scenario.limits import check_document

BASE_NAME = "base"
WHATIF_FIELDS = ("base", "name", "description", "costs", "changes")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class WhatIf:
    """One column of a comparison: validated scenario documents, one per canteen."""

    name: str
    parts: tuple[dict[str, Any], ...]
    description: str = ""
    costs: Costs | None = None
    source: str = ""


def read_base(path: str | Path) -> dict[str, Any]:
    """A base scenario document, validated; errors name the file.

    A relative ``network`` path is made absolute, so the document plans from anywhere.
    """
    document = read_document(path)
    if isinstance(document, dict) and isinstance(document.get("network"), str):
        document["network"] = str((Path(path).parent / document["network"]).resolve())
    validate(document, lambda inner: None, str(path), joiner=":")
    return dict(document)


def read_whatif(path: str | Path, default_base: str | Path | None = None) -> WhatIf:
    """A what-if file; ``base`` is relative to the file (``default_base`` when absent)."""
    file = Path(path)
    data = read_document(file)
    where = f"{file}:"
    if not isinstance(data, Mapping):
        raise fail(str(file), "not_mapping")
    base = data.get("base")
    if base is None and default_base is None:
        raise fail(f"{where}base", "missing_field", name="base")
    if base is not None:
        expect(base, str, f"{where}base", "a file path", "文件路径")
    document = read_base(file.parent / base if base is not None else Path(str(default_base)))
    return whatif_from_dict(
        data, document, where=where, folder=file.parent, default_name=file.stem, source=str(file)
    )


def whatif_from_dict(
    data: Mapping[str, Any],
    base: Mapping[str, Any],
    *,
    where: str = "",
    folder: Path | None = None,
    default_name: str | None = None,
    source: str = "",
) -> WhatIf:
    """A what-if from a decoded mapping over a valid ``base`` document.

    ``folder`` is where files named by changes live; without it (HTTP) files are refused.
    """
    check_fields(data, WHATIF_FIELDS, where)
    name = data.get("name", default_name)
    if name is None:
        raise fail(f"{where}name", "missing_field", name="name")
    expect(name, str, f"{where}name", "a string", "字符串")
    if not _NAME.match(name):
        pattern = "1–64 × A–Z a–z 0–9 _ . -"
        raise fail(f"{where}name", "bad_pattern", pattern=pattern, got=got(name, f"{where}name"))
    description = expect(
        data.get("description", ""), str, f"{where}description", "a string", "字符串"
    )
    costs = read_costs(data["costs"], f"{where}costs") if "costs" in data else None
    changes = expect(data.get("changes", []), list, f"{where}changes", "a list", "列表")
    parts = apply_changes(base, changes, where=where, folder=folder, name=name)
    return WhatIf(name, tuple(parts), description, costs, source)


def load_comparison(base: str | Path, whatifs: Sequence[str | Path]) -> list[WhatIf]:
    """The base and every what-if file, all validated, base first (named ``base``)."""
    document = read_base(base)
    columns = [WhatIf(BASE_NAME, (document,), source=str(base))]
    for path in whatifs:
        column = read_whatif(path, default_base=base)
        _check_new_name(columns, column.name, f"{path}:name")
        columns.append(column)
    return columns


def columns_from_body(base: Any, whatifs: Any) -> list[WhatIf]:
    """``{base: <scenario>, whatifs: [{name, changes, …}]}`` from an HTTP body."""
    if not isinstance(base, Mapping):
        raise fail("base", "not_mapping")
    validate(base, lambda inner: None, "base", joiner=".")
    columns = [WhatIf(BASE_NAME, (dict(base),))]
    expect(whatifs, list, "whatifs", "a list", "列表")
    check_document(whatifs, ["whatifs"])  # names and descriptions reach the report as written
    for k, data in enumerate(whatifs):
        if not isinstance(data, Mapping):
            raise fail(f"whatifs[{k}]", "not_mapping")
        if "name" not in data:
            raise fail(f"whatifs[{k}].name", "missing_field", name="name")
        column = whatif_from_dict(data, base, where=f"whatifs[{k}].")
        _check_new_name(columns, column.name, f"whatifs[{k}].name")
        columns.append(column)
    return columns


def _check_new_name(columns: Sequence[WhatIf], name: str, where: str) -> None:
    if any(c.name == name for c in columns):
        raise fail(where, "duplicate_id", id=name, first="an earlier column / 之前的一列")
