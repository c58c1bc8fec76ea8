"""Escalation notices leave through a sender: a webhook receiver on loopback gets each step once
with ids and the number to call, never a name; a receiver that is down gets them next tick;
the app's ticker thread runs the escalation by itself."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from outcome_fixtures import done_plan, local, outcome

from dispatch.errors import InputError
from dispatch.service.keys import create_key
from dispatch.service.notify import LogSender, WebhookSender, sender_for
from dispatch.service.outcomes import record_outcomes
from dispatch.service.welfare import get_case, open_cases, tick


class Receiver:
    """An HTTP receiver on a free loopback port that keeps the bodies POSTed to it and
    answers ``status`` (500: as a gateway that is down)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.status = 200
        self.got_one = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                if receiver.status == 200:
                    receiver.raw.append(raw)
                    receiver.bodies.append(json.loads(raw))
                    receiver.got_one.set()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def tiny_with_contacts(tiny) -> dict[str, Any]:
    south = tiny["clients"][3]
    south |= {"phone": "13800000003", "social_worker": "sw1"}
    tiny["contacts"] = {"social_workers": [{"id": "sw1", "name": "王社工", "phone": "13900000001"}]}
    return tiny


def test_a_webhook_receiver_gets_every_step_once_without_names(store, tiny_with_contacts, receiver):
    plan_id = done_plan(store, tiny_with_contacts)
    batch = [outcome("n1", "t-south", "no_answer", "11:05")]
    record_outcomes(store, plan_id, batch, recorded_by="key:r", now=local("11:05"))
    (case,) = open_cases(store, None)
    sender = WebhookSender(receiver.url, timeout=10)
    for minutes in (0, 0, 10, 20, 40, 40):
        tick(store, local("11:05") + dt.timedelta(minutes=minutes), sender)
    assert [b["step"] for b in receiver.bodies] == [
        "notify",
        "call_client",
        "call_emergency_contact",
        "community_or_110_120",
    ]
    first, call = receiver.bodies[:2]
    assert first == {
        "case": case.id,
        "client": "t-south",
        "canteen": "canteen",
        "plan": plan_id,
        "step": "notify",
        "index": 0,
        "to": ["social_worker", "station"],
        "due": "2026-11-24T03:05:00Z",
        "social_worker": "sw1",
        "phone": None,
    }
    assert call["phone"] == "13800000003" and call["to"] == ["station"]
    names = [c["name"] for c in tiny_with_contacts["clients"]] + ["王社工", "小饭堂"]
    addresses = [c["address"] for c in tiny_with_contacts["clients"]]
    everything = "".join(receiver.raw)
    assert not [n for n in names + addresses if n in everything]
    assert sender.pending == 0


def test_a_receiver_that_is_down_gets_the_step_at_the_next_tick(store, tiny, receiver):
    plan_id = done_plan(store, tiny)
    record_outcomes(store, plan_id, [outcome("n1", "t-tower", "no_answer")], recorded_by="k")
    (case,) = open_cases(store, None)
    sender = WebhookSender(receiver.url, timeout=10)
    receiver.status = 500
    (notice,) = tick(store, case.opened_at, sender)  # recorded, not delivered
    assert (receiver.bodies, sender.pending) == ([], 1)
    receiver.status = 200
    assert tick(store, case.opened_at, sender) == []  # nothing new is due …
    assert [b["case"] for b in receiver.bodies] == [notice.case]  # … but the kept one went out
    assert sender.pending == 0
    assert [s.action for s in get_case(store, case.id).steps] == ["open", "notify"]


def test_an_unreachable_webhook_never_breaks_a_tick(store, tiny):
    plan_id = done_plan(store, tiny)
    record_outcomes(store, plan_id, [outcome("n1", "t-tower", "no_answer")], recorded_by="k")
    (case,) = open_cases(store, None)
    sender = WebhookSender("http://127.0.0.1:9/none", timeout=2)  # the discard port: refused
    assert len(tick(store, case.opened_at, sender)) == 1
    assert sender.pending == 1


def test_the_setting_picks_the_sender():
    assert isinstance(sender_for(None), LogSender)
    assert isinstance(sender_for("http://127.0.0.1:1/x"), WebhookSender)


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "WELFARE_STEPS"),
        ([{"after_min": -1, "action": "notify"}], "WELFARE_STEPS[0].after_min"),
        (
            [{"after_min": 0, "action": "notify"}, {"after_min": 5, "action": "sms"}],
            "WELFARE_STEPS[1].action",
        ),
        ([{"after_min": 0, "action": "notify", "to": ["mayor"]}], "WELFARE_STEPS[0].to"),
    ],
)
def test_a_bad_escalation_setting_stops_the_start(make_app, steps, field):
    with pytest.raises(InputError) as caught:
        make_app(WELFARE_STEPS=steps)
    assert caught.value.field == field


def test_the_apps_ticker_escalates_by_itself(make_app, tiny, receiver):
    app = make_app(WELFARE_TICK_S=0.05, NOTIFY_WEBHOOK_URL=receiver.url)
    store = app.extensions["dispatch"].store
    plan_id = done_plan(store, tiny)
    token = create_key(store, "planner").token
    body = outcome("n1", "t-tower", "no_answer")
    answer = app.test_client().post(
        f"/v1/plans/{plan_id}/outcomes", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert receiver.got_one.wait(timeout=60)  # bounded: the ticker runs every 0.05 s
    assert receiver.bodies[0]["case"] == answer.get_json()["cases"][0]
    app.extensions["dispatch"].close()
    assert not app.extensions["dispatch"].ticker.alive
