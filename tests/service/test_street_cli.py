"""``dispatch seed-demo --street``, ``keys create --team`` and ``users create --team``."""

from __future__ import annotations

import io

from conftest import REPO

from dispatch import cli
from dispatch.service.keys import authenticate
from dispatch.service.store import Store
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.users import sign_in


def test_the_demo_street_is_seeded_and_a_team_gets_a_key_and_a_login(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'street.sqlite'}"
    monkeypatch.setenv("DISPATCH_DATABASE_URL", url)
    street = REPO / "scenarios" / "demo-street.yaml"
    scenario = REPO / "scenarios" / "jiangnan-rainstorm.yaml"
    assert cli.main(["seed-demo", "--scenario", str(scenario), "--street", str(street)]) == 0
    assert "households 60" in capsys.readouterr().out
    assert cli.main(["keys", "create", "--role", "planner", "--team", "t2"]) == 0
    token = capsys.readouterr().out.strip()
    assert cli.main(["keys", "create", "--role", "planner", "--team", "t9"]) == 2
    assert "t9" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("team-pass-1\n"))
    assert cli.main(["users", "create", "zhou", "--role", "viewer", "--team", "t2"]) == 0
    assert "t2" in capsys.readouterr().err
    store = Store(url)
    key = authenticate(store, f"Bearer {token}")
    assert (key.canteen, key.team) == (None, "t2") and not key.sees("jiangnan")
    login = sign_in(store, "zhou", "team-pass-1")
    assert (login.canteen, login.team) == (None, "t2")
    assert len(StreetLedger(store).records("households", team=login.team)) == 15
    store.close()
