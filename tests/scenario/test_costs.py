"""Unit costs: non-negative numbers and a currency label, errors naming the field (or file)."""

from __future__ import annotations

import pytest

from dispatch.errors import ScenarioError
from dispatch.scenario.costs import Costs, read_costs, read_costs_file


def test_costs_must_be_non_negative_numbers():
    assert read_costs({"per_km": 1, "currency": "CNY"}).per_km == 1.0
    with pytest.raises(ScenarioError) as caught:
        read_costs({"per_km": -1})
    assert caught.value.field == "costs.per_km"


def test_costs_file_is_read_and_its_errors_name_the_file(tmp_path):
    path = tmp_path / "costs.yaml"
    path.write_text("per_courier_hour: 30\nper_km: 0.5\n", encoding="utf-8")
    assert read_costs_file(path) == Costs(per_courier_hour=30.0, per_km=0.5)
    path.write_text("per_kilometre: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_costs_file(path)
    assert caught.value.field == f"{path}:costs.per_kilometre"
