"""The API sends Chinese as raw UTF-8 and says so; its reasons have no English in the Chinese."""

from __future__ import annotations

import json
import re


def test_error_bodies_are_raw_utf8_with_the_charset(client, keys, tiny):
    response = client.post("/v1/plans?wait=soon", json=tiny, headers=keys["planner"])
    assert response.status_code in (400, 422)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    raw = response.get_data()
    assert b"\\u" not in raw
    message_zh = json.loads(raw.decode("utf-8"))["error"]["message_zh"]
    assert "应为不小于 0 的数字".encode() in raw and message_zh.startswith("应为不小于 0 的数字")
    assert not re.search(r"[A-Za-z]{3,}", message_zh.replace("soon", ""))


def test_a_scenario_error_in_chinese_has_no_english_words(client, keys, tiny):
    tiny["settings"] = {"max_door_to_door_min": 0}
    response = client.post("/v1/plans", json=tiny, headers=keys["planner"])
    body = json.loads(response.get_data().decode("utf-8"))["error"]
    assert body["field"] == "settings.max_door_to_door_min"
    assert body["message_zh"] == "必须大于 0（实际为 0）"
