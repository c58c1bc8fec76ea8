"""``POST /v1/compare``: a base and its what-ifs planned in the request, as ``compare.json``."""

from __future__ import annotations

from conftest import error_of


def test_compare_plans_the_base_and_each_whatif_with_figures_and_costs(client, keys, tiny):
    sick = {"name": "sick", "changes": [{"courier_off": "rider-b"}]}
    body = {"base": tiny, "whatifs": [sick], "costs": {"per_courier_hour": 30}}
    response = client.post("/v1/compare?time_limit_s=0.5", json=body, headers=keys["planner"])
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert [p["name"] for p in data["plans"]] == ["base", "sick"]
    assert data["plans"][1]["figures"]["couriers_used"] == 1
    assert "cost_per_meal" in data["plans"][1]["figures"]


def test_compare_needs_a_planner_and_names_the_bad_change(client, keys, tiny):
    body = {"base": tiny, "whatifs": [{"name": "x", "changes": [{"courier_off": "r9"}]}]}
    assert client.post("/v1/compare", json=body, headers=keys["viewer"]).status_code == 403
    response = client.post("/v1/compare", json=body, headers=keys["planner"])
    assert response.status_code == 422
    assert error_of(response)["field"] == "whatifs[0].changes[0].courier_off"
