"""``needs(role)``: every view but health and openapi wants a key of a high enough role."""

from __future__ import annotations

from conftest import error_of

from dispatch.service.keys import create_key, revoke_key


def test_unknown_and_revoked_keys_are_401(app, client):
    store = app.extensions["dispatch"].store
    key = create_key(store, "admin")
    assert client.get("/v1/plans", headers={"Authorization": "Bearer nl_nope"}).status_code == 401
    assert revoke_key(store, key.info.id)
    headers = {"Authorization": f"Bearer {key.token}"}
    assert client.get("/v1/plans", headers=headers).status_code == 401


def test_viewer_may_read_but_not_plan_or_write_the_ledger(client, keys, tiny, ledger_canteen):
    assert client.get("/v1/plans", headers=keys["viewer"]).status_code == 200
    response = client.post("/v1/plans", json=tiny, headers=keys["viewer"])
    assert response.status_code == 403
    assert error_of(response)["type"] == "forbidden"
    response = client.post("/v1/canteens", json=ledger_canteen, headers=keys["viewer"])
    assert response.status_code == 403
