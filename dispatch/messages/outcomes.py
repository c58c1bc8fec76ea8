"""Sentences of delivery outcomes, welfare cases and their escalation (issue 17)."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "outcome_batch_size": (
        "a body holds 1 to {cap} outcomes (got {count})",
        "每次提交 1 至 {cap} 条送餐结果（实际为 {count} 条）",
    ),
    "outcome_text_length": (
        "must be a text of 1 to {cap} characters",
        "应为 1 至 {cap} 个字符的文本",
    ),
    "outcome_time": (
        "must be an ISO 8601 time with its UTC offset, e.g. 2026-11-24T11:05:00+08:00",
        "应为带时区偏移的 ISO 8601 时间，例如 2026-11-24T11:05:00+08:00",
    ),
    "outcome_client_not_on_plan": (
        "client '{client}' is not on this plan",
        "客户“{client}”不在这份路线计划中",
    ),
    "outcome_client_not_on_route": (
        "client '{client}' is not on route {route}",
        "客户“{client}”不在第 {route} 条路线上",
    ),
    "outcome_route_missing": ("the plan has no route {route}", "该路线计划没有第 {route} 条路线"),
    "outcome_id_reused": (
        "outcome id '{id}' was already recorded with other content; a correction needs a new id",
        "送餐结果编号“{id}”已用于另一条内容不同的记录；更正请使用新编号",
    ),
    "case_missing": ("no welfare case '{case_id}'", "找不到关怀个案“{case_id}”"),
    "case_closed": (
        "welfare case '{case_id}' is already closed",
        "关怀个案“{case_id}”已经结案",
    ),
    "case_close_needs_outcome": (
        "closing a case needs its outcome: one of {allowed}",
        "结案须注明结果：{allowed} 之一",
    ),
    "case_status_arg": (
        "status must be open or closed (got {got})",
        "status 只能取 open 或 closed（实际为 {got}）",
    ),
}
