"""What-if files and bodies: the base they name, their names, errors naming the file."""

from __future__ import annotations

import pytest
from conftest import TINY, write_whatif

from dispatch.errors import NotFoundError, ScenarioError
from dispatch.scenario import read_document
from dispatch.scenario.whatif import columns_from_body, read_whatif


def test_base_is_relative_to_the_whatif_file(tmp_path):
    (tmp_path / "base.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    path = write_whatif(tmp_path, {"base": "base.yaml", "changes": [{"courier_off": "rider-b"}]})
    column = read_whatif(path)
    assert column.name == "w"
    assert [c["id"] for c in column.parts[0]["couriers"]] == ["rider-a"]


def test_missing_base_is_not_found(tmp_path):
    path = write_whatif(tmp_path, {"base": "nowhere.yaml", "changes": []})
    with pytest.raises(NotFoundError):
        read_whatif(path)


def test_whatif_errors_name_the_file(tmp_path):
    path = write_whatif(tmp_path, {"base": str(TINY), "changes": [{"courier_off": "r9"}]})
    with pytest.raises(ScenarioError) as caught:
        read_whatif(path)
    assert caught.value.field == f"{path}:changes[0].courier_off"


def test_body_columns_start_with_the_base_and_refuse_a_repeated_name():
    base = read_document(TINY)
    columns = columns_from_body(base, [{"name": "sick", "changes": [{"courier_off": "rider-b"}]}])
    assert [c.name for c in columns] == ["base", "sick"]
    with pytest.raises(ScenarioError) as caught:
        columns_from_body(base, [{"name": "x"}, {"name": "x"}])
    assert caught.value.field == "whatifs[1].name"


def test_whatif_file_limits_are_the_scenario_files_limits(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(f"base: {TINY}\nchanges:\n  - courier_off: &r rider-b\n  - courier_off: *r\n")
    with pytest.raises(ScenarioError) as caught:
        read_whatif(path)
    assert caught.value.field == f"{path}:changes[1].courier_off"
    path.write_text(f"base: {TINY}\nchanges: []\nchanges: [{{courier_off: rider-b}}]\n")
    with pytest.raises(ScenarioError) as caught:
        read_whatif(path)
    assert caught.value.field == f"{path}:changes"


def test_body_whatif_description_with_a_lone_surrogate_is_refused():
    whatifs = [{"name": "sick", "description": "骑手\ud800生病"}]
    with pytest.raises(ScenarioError) as caught:
        columns_from_body(read_document(TINY), whatifs)
    assert caught.value.field == "whatifs[0].description"
