"""Sentences of the courier's page: one route on a phone, marking each door (issue 17)."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "courier_link_unknown": (
        "This route link is not valid: ask the station for today's link.",
        "此路线链接无效：请向站点索取今天的链接。",
    ),
    "courier_link_other_day": (
        "This route link was for {date} only: ask the station for today's link.",
        "此路线链接只在 {date} 当天有效：请向站点索取今天的链接。",
    ),
    "courier_title": ("My route", "我的路线"),
    "courier_route_of": ("{name}'s route, {date}", "{name} 的路线 · {date}"),
    "courier_leave_back": ("Leave {leave} · last stop {back}", "{leave} 出发 · 最后一站 {back}"),
    "courier_call": ("Call {label}: {name}", "致电{label}：{name}"),
    "courier_unsent": ("{count} not sent yet", "{count} 条未发送"),
    "courier_all_sent": ("All sent", "已全部发送"),
    "courier_offline": (
        "No network: outcomes are kept on this phone and sent when it returns.",
        "没有网络：结果先保存在手机上，网络恢复后自动发送。",
    ),
    "courier_refused": ("Not accepted: {reason}", "未被接受：{reason}"),
    "courier_sent": ("sent", "已发送"),
    "courier_waiting": ("not sent yet", "未发送"),
    "courier_map_amap": ("AMap", "高德地图"),
    "courier_map_baidu": ("Baidu Maps", "百度地图"),
    "courier_concern": ("Concern observed", "发现异常"),
    "courier_concern_none": ("none", "无"),
    "courier_concern_hint": (
        "Choose it before the outcome button: it goes with the outcome.",
        "请先选择异常，再点结果按钮，异常随结果一起发送。",
    ),
    "courier_note": ("Note", "备注"),
    "courier_marked": ("Marked: {outcome} at {time}", "已记录：{outcome} {time}"),
    "courier_stop": ("Stop {order}", "第 {order} 站"),
    "courier_relay_handover": ("Hand the meals over to {who}", "把餐交给 {who}"),
    "courier_relay_pickup": ("Take the meals over from the rider", "从骑手处接餐"),
    "courier_no_stops": ("This route has no doors to mark.", "这条路线没有需要记录的门户。"),
    "courier_links": ("Courier links", "骑手链接"),
    "courier_links_hint": (
        "Send each courier their route's link (valid on {date} only); it opens without a login.",
        "把各自路线的链接发给骑手（只在 {date} 当天有效），无需登录即可打开。",
    ),
    "courier_link_of": ("Link for {courier}", "{courier} 的链接"),
}
