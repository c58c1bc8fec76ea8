"""The staff pages through Flask's test client: logins, CSRF, tenancy, the register's forms,
the import preview, today's plan and its result."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from pathlib import Path

import openpyxl
import pytest

from dispatch.errors import AuthError, DataKeyError
from dispatch.service.demo import seed
from dispatch.service.tables import UserRow
from dispatch.service.users import (
    LOCKOUT_FAILURES,
    LOCKOUT_S,
    LockedError,
    create_user,
    session_secret,
    sign_in,
)

TINY = Path(__file__).parents[2] / "data" / "tiny.yaml"
PASSWORD = "correct horse"


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client, name: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


@pytest.fixture
def web(make_app):
    """An app with canteen ``a`` (the tiny day) and canteen ``b`` (one client), a planner of
    each, a viewer of ``a`` and a street planner."""
    app = make_app(JOB_QUEUE_SIZE=4, PLAN_SETTINGS={"iterations": 50})
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    store.create_record(
        "canteens",
        {
            "id": "b",
            "name": "乙饭堂",
            "location": {"lat": 22.6, "lon": 113.2},
            "meals_ready": "10:40",
        },
    )
    store.create_record(
        "clients",
        {
            "id": "b-1",
            "canteen": "b",
            "name": "乙客户",
            "location": {"lat": 22.6, "lon": 113.21},
            "meals": {"regular": 1},
        },
    )
    for name, role, canteen in (
        ("pa", "planner", "a"),
        ("pb", "planner", "b"),
        ("va", "viewer", "a"),
        ("st", "planner", None),
    ):
        create_user(store, name, PASSWORD, role, canteen=canteen)
    return app


def test_a_password_is_stored_as_an_argon2_hash_and_a_wrong_one_is_refused(web):
    store = web.extensions["dispatch"].store
    with store.session() as session:
        row = session.query(UserRow).filter_by(name="pa").one()
        assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert sign_in(store, "pa", PASSWORD).canteen == "a"
    with pytest.raises(AuthError) as wrong:
        sign_in(store, "pa", "not it")
    with pytest.raises(AuthError) as unknown:
        sign_in(store, "nobody", PASSWORD)
    assert wrong.value.reason == unknown.value.reason  # an unknown name is not told apart


def test_repeated_wrong_passwords_lock_the_login_until_the_lock_runs_out(web):
    store = web.extensions["dispatch"].store
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises(AuthError):
            sign_in(store, "pa", "wrong", now)
    with pytest.raises(LockedError) as locked:
        sign_in(store, "pa", PASSWORD, now + dt.timedelta(seconds=60))
    assert locked.value.retry_after_s == LOCKOUT_S - 60
    later = now + dt.timedelta(seconds=LOCKOUT_S + 1)
    assert sign_in(store, "pa", PASSWORD, later).name == "pa"


def test_pages_need_a_login_and_every_form_a_csrf_token(web):
    client = web.test_client()
    assert client.get("/register/clients").status_code == 302
    assert "/login" in client.get("/today").location
    refused = client.post("/login", data={"name": "pa", "password": PASSWORD})
    assert refused.status_code == 400
    assert log_in(client, "pa").status_code == 302
    assert client.post("/today", data={"date": "2026-11-24"}).status_code == 400
    assert (
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/today").text)}).status_code
        == 302
    )
    assert client.get("/today").status_code == 302


def test_the_api_with_a_key_needs_no_csrf_token(web, keys):
    client = web.test_client()
    body = {
        "id": "c2",
        "name": "丙",
        "location": {"lat": 22.5, "lon": 113.0},
        "meals_ready": "10:40",
    }
    assert client.post("/v1/canteens", json=body, headers=keys["planner"]).status_code == 201


def test_a_wrong_password_shows_the_reason_on_the_login_page(web):
    page = log_in(web.test_client(), "pa", "nope")
    assert page.status_code == 401
    assert "用户名或密码错误" in page.text


def test_a_canteen_login_sees_none_of_another_canteen(web):
    client = web.test_client()
    log_in(client, "pb")
    listing = client.get("/register/clients").text
    assert "b-1" in listing and "t-b1-low" not in listing and "陈婆婆" not in listing
    assert client.get("/register/clients/t-b1-low").status_code == 404
    assert "小饭堂" not in client.get("/today").text


def test_a_viewer_reads_the_register_without_phones_and_cannot_plan(web):
    client = web.test_client()
    log_in(client, "va")
    page = client.get("/register/clients/t-b1-high").text
    assert "耳背" not in page  # notes are withheld from viewers, as over the API
    token = csrf_of(client.get("/today").text)
    assert client.post("/today", data={"csrf_token": token}).status_code == 403


def test_a_record_form_shows_the_gates_message_at_the_field_and_saves_nothing(web):
    client = web.test_client()
    log_in(client, "pa")
    form = client.get("/register/clients/t-south").text
    data = {
        "csrf_token": csrf_of(form),
        "name": "黄婆婆",
        "lat": "22.5673",
        "lon": "113.1",
        "floor": "-3",
        "meals": "diabetic:1",
    }
    page = client.post("/register/clients/t-south", data=data)
    assert page.status_code == 422
    assert re.search(r'id="e-floor">[^<]*(不能小于|至少)', page.text)
    history = web.extensions["dispatch"].store.record_history("clients", "t-south")
    assert len(history) == 1


def test_saving_and_deactivating_a_record_add_versions_to_its_history(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/register/clients/t-south").text)
    data = {
        "csrf_token": token,
        "name": "黄婆婆",
        "lat": "22.5673",
        "lon": "113.1",
        "floor": "3",
        "meals": "diabetic:1",
        "window_start": "11:00",
        "window_end": "11:30",
    }
    assert client.post("/register/clients/t-south", data=data).status_code == 302
    client.post("/register/clients/t-south/deactivate", data={"csrf_token": token})
    store = web.extensions["dispatch"].store
    versions = store.record_history("clients", "t-south")
    assert [(v.version, v.active, v.data.get("floor")) for v in versions] == [
        (1, True, 1),
        (2, True, 3),
        (3, False, 3),
    ]
    page = client.get("/register/clients/t-south").text
    assert "floor" in page and "已停用" in page


CSV_HEADER = "id,name,lat,lon,meals\n"


def _upload(client, body: str, name: str = "new.csv"):

    token = csrf_of(client.get("/import").text)
    return client.post(
        "/import",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode("gbk")), name)},
        content_type="multipart/form-data",
    )


def test_an_import_with_a_bad_row_shows_row_and_column_and_saves_nothing(web):
    client = web.test_client()
    log_in(client, "pa")
    page = _upload(
        client, CSV_HEADER + "n-1,新甲,22.571,113.1,regular:1\nn-2,新乙,north,113.1,regular:1\n"
    )
    assert page.status_code == 422
    assert "new.csv:row 3: lat" in page.text
    assert 'id="confirm"' not in page.text
    ids = {r.record_id for r in web.extensions["dispatch"].store.list_records("clients")}
    assert "n-1" not in ids


def test_an_import_is_saved_only_when_confirmed_and_shows_changed_fields(web):
    client = web.test_client()
    log_in(client, "pa")
    body = CSV_HEADER + "n-1,新甲,22.571,113.1,regular:1\nt-temp,梁伯,22.57,113.0951,regular:2\n"
    page = _upload(client, body)
    assert page.status_code == 200
    assert "新增 1 条，修改 1 条" in page.text
    assert re.search(r"t-temp 梁伯: [^<]*meals", page.text)
    store = web.extensions["dispatch"].store
    assert "n-1" not in {r.record_id for r in store.list_records("clients")}
    form = {
        k: re.search(rf'name="{k}" value="([^"]*)"', page.text).group(1)
        for k in ("payload", "filename", "csrf_token")
    }
    done = client.post("/import/confirm", data=form)
    assert done.status_code == 302
    assert store.get_record("clients", "n-1").canteen == "a"
    assert store.get_record("clients", "t-temp").data["meals"] == {"regular": 2}


def test_today_plans_the_register_and_the_result_names_who_is_unassigned(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/today").text)
    answer = client.post(
        "/today",
        data={"csrf_token": token, "date": "2026-11-24", "weather": "clear", "off": ["rider-a"]},
    )
    assert answer.status_code == 302
    plan_id = answer.location.rsplit("/", 1)[1]
    for _ in range(600):
        status = client.get(f"/plans/{plan_id}/status").get_json()
        if status["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert status["status"] == "done"
    page = client.get(f"/plans/{plan_id}").text
    # rider-a is off; rider-b climbs to floor 3 only, so the 6th-floor b1 stop is nobody's.
    assert re.search(r"钟伯伯 \(t-b1-high\)", page)
    assert "sheets/rider-b" in page and "sheets/rider-a" not in page
    geo = client.get(f"/plans/{plan_id}/map.json").get_json()
    assert {f["properties"]["courier"] for f in geo["routes"]["features"]} == {"rider-b"}
    assert client.get(f"/plans/{plan_id}/sheets/rider-b").status_code == 200
    other = web.test_client()
    log_in(other, "pb")
    assert other.get(f"/plans/{plan_id}").status_code == 404


def test_seeding_twice_changes_nothing_the_second_time(web):
    store = web.extensions["dispatch"].store
    kinds = (
        "canteens", "couriers", "relay_points", "walkers", "social_workers", "clients", "sponsors"
    )  # fmt: skip
    zero = dict.fromkeys(kinds, 0)
    assert seed(store, TINY, "a") == zero


def test_the_session_secret_is_never_a_built_in_default(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPATCH_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    first = session_secret(url)
    assert first == session_secret(url) and len(first) >= 32
    assert (tmp_path / "s.sqlite.secret").stat().st_mode & 0o777 == 0o600
    with pytest.raises(DataKeyError):
        session_secret("postgresql+psycopg://u@h/db")
    monkeypatch.setenv("DISPATCH_SECRET_KEY", "from-the-environment")
    assert session_secret("postgresql+psycopg://u@h/db") == "from-the-environment"


def test_relay_points_and_grid_workers_from_the_register_walk_the_last_leg_in_a_storm(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/register/relay_points/new").text)
    place = {"csrf_token": token, "id": "rp-1", "name": "居委会", "lat": "22.5745", "lon": "113.1",
             "open_start": "10:30", "open_end": "13:00", "capacity": "10"}  # fmt: skip
    assert client.post("/register/relay_points/new", data=place).status_code == 302
    walker = {"csrf_token": token, "id": "g-1", "name": "何姐", "relay_point": "rp-1",
              "capacity": "6", "shift_start": "10:45", "shift_end": "13:00",
              "max_floor_no_lift": "9"}  # fmt: skip
    assert client.post("/register/walkers/new", data=walker).status_code == 302
    assert "g-1" in client.get("/register/walkers").text
    answer = client.post("/today", data={"csrf_token": token, "date": "2026-11-24",
                                         "weather": "rainstorm_orange"})  # fmt: skip
    assert answer.status_code == 302, answer.text
    plan_id = answer.location.rsplit("/", 1)[1]
    for _ in range(600):
        if client.get(f"/plans/{plan_id}/status").get_json()["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    geo = client.get(f"/plans/{plan_id}/map.json").get_json()
    assert [p["name"] for p in geo["relay_points"]] == ["居委会"]
    couriers = {f["properties"]["courier"] for f in geo["routes"]["features"]}
    assert "g-1" in couriers  # the grid worker walks from the relay point at orange


def _planned(client, token: str, **form: str) -> str:
    answer = client.post("/today", data={"csrf_token": token, "date": "2026-11-24", **form})
    plan_id = answer.location.rsplit("/", 1)[1]
    for _ in range(600):
        if client.get(f"/plans/{plan_id}/status").get_json()["status"] not in ("queued", "running"):
            return plan_id
        time.sleep(0.1)
    raise AssertionError("the plan did not finish")


def test_any_two_plans_compare_side_by_side(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/today").text)
    both, one = _planned(client, token), _planned(client, token, off="rider-a")
    assert both in client.get("/plans").text
    page = client.get(f"/plans/compare?a={both}&b={one}")
    assert page.status_code == 200
    cells = re.search(r"未安排</th><td>(\d+)</td><td>(\d+)</td>", page.text)
    assert cells and cells.groups() == ("0", "2")  # without rider-a the b1 stop (2 clients) waits
    assert client.get(f"/plans/compare?a={both}&b={both}").status_code == 422


def test_a_what_if_with_a_second_canteen_runs_beside_the_plan(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/today").text)
    plan_id = _planned(client, token)
    form = {"csrf_token": token, "plan": plan_id, "second_name": "东饭堂", "second_lat": "22.57",
            "second_lon": "113.1078", "moved": "rider-b"}  # fmt: skip
    answer = client.post("/whatif", data=form)
    assert answer.status_code == 302, answer.text
    job = answer.location.rsplit("/", 1)[1]
    for _ in range(900):
        if client.get(f"/whatif/{job}/status").get_json()["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    page = client.get(f"/whatif/{job}").text
    assert re.search(r"已送 / 客户</th><td>5/5</td><td>5/5</td>", page)
    bad = client.post("/whatif", data={**form, "second_lat": "north"})
    assert bad.status_code == 422 and "add_canteen.canteen.location.lat" in bad.text


def test_users_create_reads_the_password_from_stdin_and_seed_demo_loads_the_street(
    tmp_path, monkeypatch, capsys
):

    from dispatch.cli import main
    from dispatch.service.store import Store

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DISPATCH_DATABASE_URL", url)
    demo = Path(__file__).parents[3] / "scenarios" / "jiangnan-rainstorm.yaml"
    assert main(["seed-demo", "--scenario", str(demo)]) == 0
    assert "clients 62" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("demo-pass-1\n"))
    assert main(["users", "create", "wang", "--role", "planner", "--canteen", "jiangnan"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create", "li", "--role", "planner", "--canteen", "jiangnan"]) == 2
    assert "password" in capsys.readouterr().err
    store = Store(url)
    assert sign_in(store, "wang", "demo-pass-1").canteen == "jiangnan"
    assert len(store.list_records("walkers", canteen="jiangnan")) == 9
    day = store.ledger_document("2026-11-24", "jiangnan")
    assert day["contacts"]["station"]["phone"] == "0750-0000000"
    assert len(day["contacts"]["social_workers"]) == 7
    assert {c["social_worker"] for c in day["clients"]} <= {"sw-jingui", "sw-biyuan", "sw-yinhu",
        "sw-fuquan", "sw-hele", "sw-xingang", "sw-rongyin"}  # fmt: skip
    store.close()


def test_the_register_filters_by_search_group_stairs_and_weekday(web):
    store = web.extensions["dispatch"].store
    south = store.get_record("clients", "t-south").data
    store.update_record("clients", {**south, "days": ["mon", "thu"]})
    client = web.test_client()
    log_in(client, "pa")

    def shown(query: str) -> set[str]:
        page = client.get(f"/register/clients?{query}").text
        return set(re.findall(r'/register/clients/([a-z0-9-]+)"', page)) - {"new"}

    everyone = {"t-b1-low", "t-b1-high", "t-tower", "t-south", "t-temp"}
    assert shown("") == everyone
    assert shown("nolift=1") == {"t-b1-low", "t-b1-high"}
    assert shown("group=living_alone") == {"t-b1-low", "t-south"}
    assert shown("q=测试街") == {"t-south"}
    assert shown("weekday=tue") == everyone - {"t-south"}
    assert shown("weekday=thu") == everyone
    assert shown("on=2026-12-01") == everyone - {"t-temp"}  # active 11-20..11-27 only


def test_the_session_cookie_is_httponly_and_lax_and_login_never_sends_the_browser_away(web):
    client = web.test_client()
    token = csrf_of(client.get("/login").text)
    data = {"name": "pa", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    answer = client.post("/login", data=data)
    assert answer.location.endswith("/today")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert PASSWORD not in cookie
    fresh = csrf_of(client.get("/today").text)  # the session was renewed at login
    back = client.post("/login", data={**data, "csrf_token": fresh, "next": "/register/couriers"})
    assert back.location.endswith("/register/couriers")


def test_an_import_never_touches_another_canteens_client(web):
    client = web.test_client()
    log_in(client, "pb")
    page = _upload(client, CSV_HEADER + "t-south,冒名,22.6,113.2,regular:1\n")
    assert page.status_code == 422
    assert "已属于其他饭堂" in page.text and 'id="confirm"' not in page.text
    store = web.extensions["dispatch"].store
    assert store.get_record("clients", "t-south").data["name"] == "黄婆婆"


def test_logins_and_their_lockout_are_kept_in_every_store(store):
    """On SQLite, and on PostgreSQL when ``DISPATCH_TEST_DATABASE_URL`` is set."""
    create_user(store, "wang", PASSWORD, "planner", canteen="jn")
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises(AuthError):
            sign_in(store, "wang", "wrong", now)
    with pytest.raises(LockedError):
        sign_in(store, "wang", PASSWORD, now)
    assert sign_in(store, "wang", PASSWORD, now + dt.timedelta(seconds=LOCKOUT_S)).canteen == "jn"


def test_a_clients_emergency_contact_is_kept_from_the_form_and_withheld_from_viewers(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/register/clients/t-south").text)
    data = {
        "csrf_token": token, "name": "黄婆婆", "lat": "22.5673", "lon": "113.1",
        "meals": "diabetic:1", "window_start": "11:00", "window_end": "11:30",
        "emergency_name": "黄先生", "emergency_relation": "儿子", "emergency_phone": "1",
    }  # fmt: skip
    refused = client.post("/register/clients/t-south", data=data)
    assert refused.status_code == 422 and 'id="e-emergency_phone"' in refused.text
    data["emergency_phone"] = "13900000002"
    assert client.post("/register/clients/t-south", data=data).status_code == 302
    store = web.extensions["dispatch"].store
    saved = store.record_history("clients", "t-south")[-1].data["emergency_contact"]
    assert saved == {"name": "黄先生", "relation": "儿子", "phone": "13900000002"}
    assert 'value="13900000002"' in client.get("/register/clients/t-south").text
    viewer = web.test_client()
    log_in(viewer, "va")
    assert "13900000002" not in viewer.get("/register/clients/t-south").text


def test_a_sponsor_is_paired_with_ticked_clients_and_its_fee_typed_in_yuan(web):
    client = web.test_client()
    log_in(client, "pa")
    page = client.get("/register/sponsors/new").text
    assert 'value="t-south"' in page and "b-1" not in page  # only the canteen's clients
    data = {"csrf_token": csrf_of(page), "id": "sp-1", "name": "江南大药房",
            "sponsor_kind": "company", "contact_name": "周经理", "contact_phone": "0750-1",
            "fee_yuan": "15.5", "from": "2026-12-31", "to": "2026-01-01",
            "clients": ["t-south", "t-tower"]}  # fmt: skip
    refused = client.post("/register/sponsors/new", data=data)
    assert refused.status_code == 422 and 'id="e-to"' in refused.text
    assert refused.text.count("checked") == 2  # the ticks survive the refusal
    store = web.extensions["dispatch"].store
    assert store.list_records("sponsors", canteen="a") == []
    for fee in ("15.555", "fifteen", "Infinity"):
        bad = client.post("/register/sponsors/new", data={**data, "fee_yuan": fee})
        assert bad.status_code == 422 and 'id="e-fee_yuan"' in bad.text
    data |= {"from": "2026-01-01", "to": "2026-12-31"}
    assert client.post("/register/sponsors/new", data=data).status_code == 302
    saved = store.get_record("sponsors", "sp-1").data
    assert saved["fee_per_delivery_fen"] == 1550 and saved["clients"] == ["t-south", "t-tower"]
    assert saved["contact"] == {"name": "周经理", "phone": "0750-1"}
    assert 'value="15.50"' in client.get("/register/sponsors/sp-1").text
    assert "认捐单位：江南大药房" in client.get("/register/clients/t-south").text
    assert "认捐单位" not in client.get("/register/clients/t-b1-low").text
    listing = client.get("/register/sponsors").text
    assert "15.50" in listing and "2026-01-01–2026-12-31" in listing


def test_a_client_names_a_social_worker_chosen_from_the_register(web):
    client = web.test_client()
    log_in(client, "pa")
    token = csrf_of(client.get("/register/social_workers/new").text)
    worker = {"csrf_token": token, "id": "sw-1", "name": "李社工", "phone": "13800000001"}
    assert client.post("/register/social_workers/new", data=worker).status_code == 302
    page = client.get("/register/clients/t-south").text
    assert '<option value="sw-1" >李社工 (sw-1)</option>' in page
    store = web.extensions["dispatch"].store
    south = store.get_record("clients", "t-south").data
    cells = {"csrf_token": csrf_of(page), "social_worker": "sw-1", "name": south["name"],
             "lat": str(south["location"]["lat"]), "lon": str(south["location"]["lon"]),
             "meals": "regular:1"}  # fmt: skip
    assert client.post("/register/clients/t-south", data=cells).status_code == 302
    assert store.get_record("clients", "t-south").data["social_worker"] == "sw-1"
    assert store.ledger_document("2026-11-24", "a")["contacts"]["social_workers"] == [
        {"id": "sw-1", "name": "李社工", "phone": "13800000001"}]  # fmt: skip


def test_the_import_reads_a_clients_emergency_contact_and_social_worker_and_the_export_keeps_them(
    web,
):
    store = web.extensions["dispatch"].store
    store.create_record("social_workers", {"canteen": "a", "id": "sw-1", "name": "李社工",
                                           "phone": "13800000001"})  # fmt: skip
    client = web.test_client()
    log_in(client, "pa")
    header = "id,name,lat,lon,meals,social_worker,紧急联系人,与客户关系,紧急联系人电话\n"
    bad = _upload(client, header + "n-1,新甲,22.571,113.1,regular:1,sw-1,关先生,儿子,1\n")
    assert bad.status_code == 422 and "new.csv:row 2: emergency_phone" in bad.text
    page = _upload(client, header + "n-1,新甲,22.571,113.1,regular:1,sw-1,关先生,儿子,139001\n")
    form = {k: re.search(rf'name="{k}" value="([^"]*)"', page.text).group(1)
            for k in ("payload", "filename", "csrf_token")}  # fmt: skip
    assert client.post("/import/confirm", data=form).status_code == 302
    saved = store.get_record("clients", "n-1").data
    assert saved["social_worker"] == "sw-1"
    assert saved["emergency_contact"] == {"name": "关先生", "relation": "儿子", "phone": "139001"}
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/register/clients.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    exported = dict(zip(rows[0], next(r for r in rows if r[0] == "n-1"), strict=True))
    assert (exported["social_worker"], exported["emergency_phone"]) == ("sw-1", "139001")
