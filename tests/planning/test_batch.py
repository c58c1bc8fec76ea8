"""Planning the columns of a comparison in a process pool, and keeping an earlier plan."""

from __future__ import annotations

import json

from conftest import REPO, TINY, write_whatif

from dispatch.cli import main
from dispatch.planning.batch import plan_columns
from dispatch.scenario import read_document
from dispatch.scenario.whatif import columns_from_body


def test_plan_columns_plans_every_part_of_every_column_in_order():
    columns = columns_from_body(
        read_document(TINY), [{"name": "sick", "changes": [{"courier_off": "rider-b"}]}]
    )
    planned = plan_columns(columns, time_limit_s=0.5, workers=1)
    assert [len(parts) for parts in planned] == [1, 1]
    (_, base_plan), (_, sick_plan) = planned[0][0], planned[1][0]
    assert {r.courier for r in sick_plan.routes} <= {"rider-a"}
    assert base_plan.violations == () and sick_plan.violations == ()


def test_keep_from_a_morning_plan_moves_few_clients(tmp_path):
    demo = REPO / "scenarios" / "jiangnan-lunch.yaml"
    budget = ["--iterations", "300"]  # the same plans on any machine
    assert main(["plan", str(demo), "--out", str(tmp_path / "morning"), *budget]) == 0
    # 10 s more per hand-over: the morning routes still keep every rule, so a re-plan that
    # keeps couriers can move few clients (at 150 s the morning's routes, which bring lunch
    # soon after cooking and use most of the 60 min, break the food-safety limit).
    path = write_whatif(
        tmp_path,
        {"base": str(demo), "name": "slower", "changes": [{"set": {"settings.handover_s": 130}}]},
    )

    def moved(*extra: str) -> int:
        out = tmp_path / f"out{len(extra)}"
        args = ["compare", str(demo), str(path), "--out", str(out), *budget, *extra]
        assert main(args) == 0
        report = json.loads((out / "compare.json").read_text(encoding="utf-8"))
        return len(report["plans"][1]["diff"]["changed_courier"])

    kept = moved("--keep-from", str(tmp_path / "morning" / "plan.json"))
    assert kept <= 5 and kept < moved()
