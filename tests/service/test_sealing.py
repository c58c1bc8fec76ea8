"""Personal data sealed at rest: a dump of the database hands out no phone, name or note."""

from __future__ import annotations

import json
import stat
from importlib import resources

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet

from dispatch import cli
from dispatch.errors import DataKeyError
from dispatch.service.store import Store, utcnow

MIGRATIONS = resources.files("dispatch.service") / "migrations"
CANTEEN = {"id": "jn", "location": {"lat": 22.57, "lon": 113.1}, "meals_ready": "10:40"}
PERSONAL = {"name": "陈婆婆", "phone": "13812345678", "address": "江南路3号", "notes": "耳背敲门"}
CLIENT = {"canteen": "jn", "id": "a", "location": {"lat": 22.57, "lon": 113.1},
          "meals": {"soft": 1}, "group": "重度残疾", **PERSONAL}  # fmt: skip


def _raw(store: Store) -> str:
    """Every text the ledger and plans tables hold, as a dump would show them."""
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM ledger")).all()
        rows += connection.execute(sa.text("SELECT * FROM plans")).all()
    return json.dumps([[str(v) for v in row] for row in rows], ensure_ascii=False)


def _scenario() -> dict:
    return {"name": "day", "date": "2026-11-24", "canteen": CANTEEN, "couriers": [],
            "clients": [{k: v for k, v in CLIENT.items() if k != "canteen"}]}  # fmt: skip


def test_the_raw_tables_hold_no_phone_name_address_notes_or_group(store):
    store.create_record("canteens", CANTEEN)
    store.create_record("clients", CLIENT)
    plan_id = store.create_plan(_scenario(), time_limit_s=1, seed=0, version="t", owner=None)
    store.finish(plan_id, {"routes": [], "note": PERSONAL["phone"]})
    dump = _raw(store)
    for value in (*PERSONAL.values(), CLIENT["group"], "12345678"):
        assert value not in dump
    assert store.get_record("clients", "a").data == CLIENT
    row = store.get_plan(plan_id)
    assert (row.scenario, row.plan["note"]) == (_scenario(), PERSONAL["phone"])


def test_a_sqlite_store_without_a_key_makes_one_beside_its_file_for_its_owner_only(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DISPATCH_DATA_KEY", raising=False)
    first = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    first.migrate()
    first.create_record("canteens", CANTEEN)
    first.close()
    key_file = tmp_path / "d.sqlite.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    again.migrate()
    assert again.get_record("canteens", "jn").data == CANTEEN
    again.close()


def test_a_shared_database_without_a_data_key_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.delenv("DISPATCH_DATA_KEY", raising=False)
    with pytest.raises(DataKeyError) as caught:
        Store("postgresql+psycopg://dispatch@127.0.0.1/dispatch")
    assert caught.value.field == "DISPATCH_DATA_KEY" and "Fernet" in caught.value.reason.en
    monkeypatch.setenv("DISPATCH_DATA_KEY", "not-a-key")
    with pytest.raises(DataKeyError, match="not a Fernet key"):
        Store("postgresql+psycopg://dispatch@127.0.0.1/dispatch")


def test_dispatch_serve_without_a_data_key_for_a_shared_database_exits_2_saying_why(
    monkeypatch, capsys
):
    monkeypatch.delenv("DISPATCH_DATA_KEY", raising=False)
    monkeypatch.setenv("DISPATCH_DATABASE_URL", "postgresql+psycopg://dispatch@127.0.0.1/none")
    assert cli.main(["serve"]) == 2
    assert "DISPATCH_DATA_KEY" in capsys.readouterr().err


def test_a_store_opened_with_another_key_is_refused_on_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    sealed = Store(url, Fernet.generate_key().decode())
    sealed.migrate()
    sealed.create_record("canteens", CANTEEN)
    sealed.close()
    wrong = Store(url, Fernet.generate_key().decode())
    with pytest.raises(DataKeyError, match="does not open"):
        wrong.migrate()
    wrong.close()


def test_the_migration_seals_records_and_plans_stored_before_it(store):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = store.engine
    config.attributes["sealer"] = store._sealer
    command.downgrade(config, "0003")
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO ledger (kind, record_id, version, active, canteen, data, "
                    "created_at) VALUES ('clients', 'a', 1, :yes, 'jn', :d, :t)"),
            {"d": json.dumps(CLIENT), "yes": True, "t": utcnow()},
        )  # fmt: skip
        connection.execute(
            sa.text("INSERT INTO plans (id, status, date, canteen, scenario_name, scenario, "
                    "time_limit_s, seed, version, created_at) VALUES ('p', 'done', '2026-11-24', "
                    "'jn', 'day', :s, 1, 0, 't', :t)"),
            {"s": json.dumps(_scenario()), "t": utcnow()},
        )  # fmt: skip
    assert PERSONAL["phone"] in _raw(store)
    store.migrate()
    assert PERSONAL["phone"] not in _raw(store)
    assert store.get_record("clients", "a").data == CLIENT
    assert store.get_plan("p").scenario == _scenario()
