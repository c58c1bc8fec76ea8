"""The request board's texts (requests, steps, reporting up, the board and the reports), a
part of the one catalogue."""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    "request_bad_deadline": (
        "must be a date and time with its UTC offset, such as 2026-12-07T12:00+08:00 (got {got})",
        "应为带时区的日期时间，例如 2026-12-07T12:00+08:00（实际为 {got}）",
    ),
    "request_needed_empty": ("must say what is needed", "请填写所需内容"),
    "request_window_order": (
        "must be later than the window's start",
        "结束时间应晚于开始时间",
    ),
    "request_from_case": (
        "welfare case {case}: {reason}; visit and help",
        "关爱个案 {case}（{reason}）：请上门查看并协助",
    ),
    "request_text_bad": (
        "must be text of at most {max} characters",
        "应为不超过 {max} 个字符的文字",
    ),
    "request_reason_needed": (
        "a step '{action}' needs a reason",
        "“{action}”需要填写原因",
    ),
    "request_assign_whom": (
        "an assignment says who takes the request",
        "指派时请注明由谁办理",
    ),
    "request_not_yours": (
        "this level may not take the step '{action}'",
        "当前层级无权执行“{action}”",
    ),
    "request_bad_step": (
        "a request that is '{status}' cannot take the step '{action}'",
        "状态为“{status}”的诉求不能执行“{action}”",
    ),
}
