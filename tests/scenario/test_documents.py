"""Reading files into documents: YAML without its 1.1 surprises, JSON like the same YAML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import TINY

from dispatch.scenario import load_scenario, read_document


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
