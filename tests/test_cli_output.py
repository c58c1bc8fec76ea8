"""What the CLI prints: a table with walkers, every file written, --version, verify's lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, TINY, write_whatif
from planning.test_relay import relay_document

from dispatch.cli import main
from dispatch.messages import text
from dispatch.version import __version__


@pytest.fixture(scope="module")
def relay_day(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relay")
    path = folder / "relay.yaml"
    path.write_text(yaml.safe_dump(relay_document()), encoding="utf-8")
    return path, folder / "out"


def test_summary_shows_riders_and_walkers_and_every_file_written(relay_day, capsys):
    path, out = relay_day
    assert main(["plan", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 riders, 1 grid workers" in printed and "骑手 1 人，网格员 1 人" in printed
    assert re.search(r"^g1\s+网格员 walker", printed, re.M)
    assert re.search(r"^r1\s+骑手 rider", printed, re.M)
    assert "{" not in printed  # no Python dict
    (line,) = [x for x in printed.splitlines() if x.startswith("已写入 written")]
    listed = set(line.split(": ", 1)[1].split(", "))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert listed == on_disk - {".nuanliu-dispatch"}
    assert {"relays.html", "routes.geojson", "kitchen.xlsx", "plan.xlsx"} <= listed


def test_verify_prints_chinese_and_english(relay_day, capsys):
    path, out = relay_day
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan["routes"][0]["steps"][1]["arrival"] = "09:00"
    plan["routes"][0]["steps"][1]["arrival_s"] = 9 * 3600
    broken = out.parent / "broken.json"
    broken.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["verify", str(path), str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("时间不符 time mismatch: r1")
    assert re.fullmatch(r"违规：\d+ 处 / violations: \d+", lines[-1])


def test_verify_of_another_scenarios_plan_is_one_line_and_exit_2(relay_day, capsys):
    path, out = relay_day
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan["scenario"] = "another canteen's day"
    other = out.parent / "other.json"
    other.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["verify", str(path), str(other)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f"{other}:scenario" in captured.err and "another canteen's day" in captured.err


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"dispatch {__version__}"


def test_every_rule_the_verifier_names_has_a_label():
    source = "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "dispatch" / "verify").glob("*.py")
    )
    rules = set(re.findall(r'(?:Violation|finding)\(\s*"([a-z_]+)"', source))
    assert len(rules) > 20
    for rule in rules:
        assert text(f"rule_{rule}").zh


def test_compare_prints_a_plain_progress_line_per_plan_when_not_on_a_terminal(tmp_path, capsys):
    whatif = write_whatif(tmp_path, {"base": str(TINY), "changes": [{"courier_off": "rider-b"}]})
    assert main(["compare", str(TINY), str(whatif), "--iterations", "100"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == ["已规划 planned 1/2", "已规划 planned 2/2"]
    assert sorted(line.split(": ")[1] for line in err) == sorted(["base", whatif.stem])


@pytest.mark.parametrize(
    ("command", "module"),
    [(["serve"], "waitress"), (["worker"], "rq"), (["keys", "revoke", "k1"], "sqlalchemy")],
)
def test_a_server_command_without_the_server_extra_is_one_line(
    monkeypatch, capsys, command, module
):
    for name in [m for m in sys.modules if m == module or m.startswith(f"{module}.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in [m for m in sys.modules if m.startswith("dispatch.service") or m == "api"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    monkeypatch.setenv("DISPATCH_QUEUE_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("DISPATCH_DATABASE_URL", "sqlite://")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "[server]" in err and module in err


SERVER_ONLY = ("flask", "sqlalchemy", "alembic", "psycopg", "waitress", "rq", "redis", "limits")


def test_plan_import_and_verify_run_without_the_server_extra(tmp_path):
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in (*SERVER_ONLY, "cryptography"))
    out = tmp_path / "out"
    script = (
        f"import sys; {blocked}; from dispatch.cli import main; "
        f"assert main(['plan', {str(TINY)!r}, '--out', {str(out)!r}, '--iterations', '50']) == 0; "
        f"assert main(['verify', {str(TINY)!r}, {str(out / 'plan.json')!r}]) == 0"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-500:]
