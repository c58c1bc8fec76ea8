"""The schema's two validators: the compiled one never lets through what ``jsonschema`` refuses."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPO, base_document, client

from dispatch.errors import DispatchError, ScenarioError
from dispatch.scenario import read_document
from dispatch.scenario.json_schema import _fast, _validator, check_schema

INVALID = sorted((DATA / "invalid").iterdir())
# Street documents (docs/grid.md) are not scenarios: they have a schema of their own.
SCENARIOS = sorted(p for p in (REPO / "scenarios").glob("*.yaml") if p.name != "demo-street.yaml")


def _decoded(path: Path) -> Any:
    try:
        return read_document(path)
    except DispatchError:
        pytest.skip("refused while reading, before the schema")


def _refused_by_reference(document: Any) -> bool:
    return any(True for _ in _validator().iter_errors(document))


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_fast_validator_refuses_every_file_the_reference_refuses(path: Path):
    document = _decoded(path)
    if _refused_by_reference(document):
        assert not _fast(document)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenarios_pass_both_validators(path: Path):
    document = read_document(path)
    assert _fast(document)
    assert not _refused_by_reference(document)


def _with_client(**fields: Any) -> dict[str, Any]:
    document = copy.deepcopy(base_document())
    document["clients"] = [client("a", 500, **fields)]
    return document


@pytest.mark.parametrize(
    "document",
    [
        _with_client(window=["11:00", "24:00"]),  # a clock that does not exist
        _with_client(floor=1.5),
        _with_client(floor=True),
        _with_client(meals={"Regular": 1}),  # a variant name off its pattern
        _with_client(meals={}),
        {**base_document(), "date": "2026-02-30"},
        {**base_document(), "date": "2026-W48-2"},
    ],
    ids=[
        "clock-24",
        "floor-float",
        "floor-bool",
        "variant",
        "no-meals",
        "feb-30",
        "week-date",
    ],
)
def test_the_gate_refuses_what_the_reference_refuses(document: dict[str, Any]):
    assert _refused_by_reference(document)
    assert not _fast(document)
    with pytest.raises(ScenarioError):
        check_schema(document)


def test_an_id_the_validators_read_differently_is_judged_by_the_reference():
    # Python's ``$`` also matches before a final newline, Rust's does not: the compiled
    # validator refuses, the reference accepts, and the reference has the last word.
    document = _with_client()
    document["clients"][0]["id"] = "a\n"
    assert not _fast(document)
    assert not _refused_by_reference(document)
    check_schema(document)


def test_a_valid_scenario_is_read_without_importing_jsonschema():
    demo = REPO / "scenarios" / "jiangnan-lunch.yaml"
    code = (
        "import sys; from dispatch.scenario import load_scenario; "
        f"load_scenario({str(demo)!r}); print('jsonschema' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
