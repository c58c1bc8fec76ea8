"""Reading files into documents: YAML without its 1.1 surprises, JSON like the same YAML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import TINY

from dispatch.errors import ScenarioError
from dispatch.scenario import documents, limits, load_scenario, read_document


def write_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


UNQUOTED = """\
name: unquoted
date: 2026-11-24
canteen:
  id: c
  location: {lat: 22.57, lon: 113.10}
  meals_ready: 10:40
couriers:
  - {id: r1, mode: ebike, capacity: 4, shift: [10:30, 13:00]}
clients:
  - id: a
    location: {lat: 22.5745, lon: 113.10}
    meals: {regular: 1}
    window:
      - 11:00
      - 12:30
    active: {from: 2026-11-20, to: 2026-11-27}
"""


def test_unquoted_yaml_times_are_clock_times_not_sexagesimal_integers(tmp_path: Path):
    # YAML 1.1 reads 10:40 as 10 × 60 + 40 = 640; the loader must read "10:40".
    scenario = load_scenario(write_yaml(tmp_path, UNQUOTED))
    assert scenario.canteen.meals_ready_s == 10 * 3600 + 40 * 60
    assert scenario.couriers[0].shift.start_s == 10 * 3600 + 30 * 60
    assert scenario.couriers[0].shift.end_s == 13 * 3600
    window = scenario.clients[0].window
    assert window is not None
    assert (window.start_s, window.end_s) == (11 * 3600, 12 * 3600 + 30 * 60)


def test_unquoted_yaml_dates_are_dates(tmp_path: Path):
    scenario = load_scenario(write_yaml(tmp_path, UNQUOTED))
    assert scenario.date == dt.date(2026, 11, 24)
    assert scenario.clients[0].active_from == dt.date(2026, 11, 20)
    assert scenario.clients[0].active_to == dt.date(2026, 11, 27)


def test_json_file_loads_like_the_same_yaml(tmp_path: Path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(read_document(TINY), ensure_ascii=False), encoding="utf-8")
    assert load_scenario(path) == load_scenario(TINY)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> ScenarioError:
    """The error reading ``path`` raises: a ``ScenarioError``, never a crash."""
    with pytest.raises(ScenarioError) as caught:
        read_document(path)
    return caught.value


def test_a_file_over_5_mb_is_refused_unread(tmp_path: Path):
    path = write(tmp_path, "big.yaml", "#" * limits.MAX_FILE_BYTES + "\nname: x\n")
    err = refusal(path)
    assert err.field == str(path)
    assert "5 MB" in err.reason.en


def test_a_yaml_file_with_more_values_than_the_budget_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_YAML_NODES", 100)
    assert read_document(write(tmp_path, "ok.yaml", "[" + "0, " * 98 + "0]")) == [0] * 99
    err = refusal(write(tmp_path, "many.yaml", "[" + "0, " * 100 + "0]"))
    assert err.field == str(tmp_path / "many.yaml")
    assert "100" in err.reason.en


def test_yaml_anchors_without_aliases_load(tmp_path: Path):
    assert read_document(write(tmp_path, "a.yaml", "a: &x [1]\nb: 2\n")) == {"a": [1], "b": 2}


def test_a_yaml_merge_key_is_an_alias_and_refused(tmp_path: Path):
    err = refusal(write(tmp_path, "m.yaml", "a: &x {k: 1}\nb:\n  <<: *x\n"))
    assert err.field == f"{tmp_path / 'm.yaml'}:b.<<"
    assert "*x" in err.reason.en


def test_yaml_nested_ten_thousand_levels_is_refused_without_recursion_error(tmp_path: Path):
    err = refusal(write(tmp_path, "deep.yaml", "[" * 10_000 + "]" * 10_000))
    assert err.field == f"{tmp_path / 'deep.yaml'}:" + "[0]" * 32
    assert "32" in err.reason.en


def test_json_nested_too_deep_for_the_decoder_is_refused(tmp_path: Path):
    err = refusal(write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))
    assert err.field == str(tmp_path / "deep.json")


def test_json_nested_33_levels_is_refused_at_the_33rd(tmp_path: Path):
    assert read_document(write(tmp_path, "ok.json", "[" * 32 + "]" * 32)) is not None
    err = refusal(write(tmp_path, "deep.json", '{"a": ' + "[" * 32 + "]" * 32 + "}"))
    assert err.field == f"{tmp_path / 'deep.json'}:a" + "[0]" * 31


def test_json_duplicate_key_is_refused_with_its_path(tmp_path: Path):
    err = refusal(write(tmp_path, "d.json", '{"clients": [{"id": "a", "floor": 1, "floor": 9}]}'))
    assert err.field == f"{tmp_path / 'd.json'}:clients[0].floor"
    assert "floor" in err.reason.en and "floor" in err.reason.zh


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"name": "a\\ud800"}', "name"),
        ('{"notes": ["ok", "a\\u0000b"]}', "notes[1]"),
        ('{"clients": [{"\\udfff": 1}]}', "clients[0]"),
    ],
)
def test_json_text_with_nul_or_a_lone_surrogate_is_refused(tmp_path: Path, raw: str, field: str):
    err = refusal(write(tmp_path, "t.json", raw))
    assert err.field == f"{tmp_path / 't.json'}:{field}"
    err.line().encode("utf-8")  # the message itself can be printed and stored


REPO_YAML = sorted(
    p
    for folder in ("scenarios", "tests/data")
    for p in (Path(__file__).resolve().parents[2] / folder).rglob("*.yaml")
)


@pytest.mark.parametrize("path", REPO_YAML, ids=[p.name for p in REPO_YAML])
def test_libyaml_reads_every_file_as_pyyaml_does(path: Path):
    if documents._FastLoader is None:
        pytest.skip("PyYAML without libyaml")
    try:
        raw = documents.read_text(path)
    except ScenarioError:
        pytest.skip("not UTF-8: refused before YAML")

    def outcome(loader: type) -> object:
        try:
            return documents._load_yaml(loader, raw, path)
        except Exception as err:  # the kind of refusal is what is compared
            return type(err)

    fast, pure = outcome(documents._FastLoader), outcome(documents._Loader)
    # libyaml may refuse what PyYAML reads (a lone surrogate escape); PyYAML then decides.
    assert fast == pure or (isinstance(fast, type) and issubclass(fast, yaml.YAMLError))
