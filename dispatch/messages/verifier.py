"""Verifier findings (dispatch/verify): one code per broken rule, Chinese and English."""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    "v_unknown_courier": ("no courier or grid worker '{who}'", "没有配送员或网格员“{who}”"),
    "v_courier_twice": ("the courier has two routes", "同一配送员有两条路线"),
    "v_empty_stop": ("a delivery step without clients", "送餐站点没有客户"),
    "v_mixed_stop": ("one stop serves several buildings", "一个站点服务了多栋楼"),
    "v_unknown_client": ("no such client", "没有该客户"),
    "v_served_twice": ("client served twice", "客户被送了两次"),
    "v_inactive": (
        "client not due today (inactive, another weekday or paused)",
        "客户今天不在送餐日（不在服务期、非送餐日或暂停中）",
    ),
    "v_not_scheduled_but_due": ("listed as not due today but due", "列为今日不送，但今天应送"),
    "v_missing": ("neither served nor reported unassigned", "既未送达也未列为未送达"),
    "v_served_and_unassigned": ("served and reported unassigned", "已送达却又列为未送达"),
    "v_capacity": (
        "carries {carried} meals, capacity {capacity}",
        "载 {carried} 份，载量 {capacity} 份",
    ),
    "v_climbing": (
        "floor {floor} without a lift, climbs to floor {limit}",
        "{floor} 楼无电梯，只爬到 {limit} 楼",
    ),
    "v_meals_ready": (
        "leaves at {departure}, meals ready {ready}",
        "{departure} 出发，出餐时间 {ready}",
    ),
    "v_shift_start": (
        "leaves at {departure}, before the shift starts at {start}",
        "{departure} 出发，早于班次开始 {start}",
    ),
    "v_shift_end": (
        "the last stop ends at {done}, after the shift ends at {end}",
        "最后一站 {done} 结束，晚于班次结束 {end}",
    ),
    "v_time_mismatch": (
        "the plan says arrival {claimed} s, recomputed {recomputed} s",
        "计划到达 {claimed} 秒，重算为 {recomputed} 秒",
    ),
    "v_window": ("arrives {arrival}, window {start}–{end}", "{arrival} 到达，时间窗 {start}–{end}"),
    "v_food_safety": (
        "{minutes} min from {origin} to the door, limit {limit} min",
        "从{origin}到家门 {minutes} 分钟，时限 {limit} 分钟",
    ),
    "v_cooked_to_door": (
        "handed over at {done}, after the cooked-to-door limit {deadline}",
        "{done} 送达，晚于出餐后送达时限 {deadline}",
    ),
    "v_unknown_relay": ("no relay point '{relay}'", "没有接力点“{relay}”"),
    "v_relay_wait": (
        "waits {minutes} min at {relay} for the grid workers, at most {limit} min",
        "在 {relay} 等网格员 {minutes} 分钟，最多 {limit} 分钟",
    ),
    "v_relay_closed": (
        "hand-over at {start}, {relay} closes at {closes}",
        "{start} 交接，{relay} 已于 {closes} 关闭",
    ),
    "v_walker_start": (
        "must start with a hand-over at relay point {relay}",
        "必须从接力点 {relay} 的交接开始",
    ),
    "v_handover_mismatch": (
        "no hand-over from rider '{rider}' at {relay} lists this grid worker",
        "骑手“{rider}”在 {relay} 的交接中没有这名网格员",
    ),
    "v_handover_order": (
        "leaves at {departure}, before the hand-over ends at {done}",
        "{departure} 出发，早于交接结束 {done}",
    ),
    "v_handover_no_route": (
        "hands meals to grid worker '{walker}' at {relay}, who takes none on a route",
        "在 {relay} 把餐交给网格员“{walker}”，但其路线没有送任何一份",
    ),
    "v_relay_unused": (
        "stops at relay point {relay}, where no grid worker takes any meal",
        "在接力点 {relay} 停靠，但没有网格员从这里取餐",
    ),
    "v_handover_meals": (
        "grid workers carry {taken} meals off, {meals} handed over at {relay}",
        "网格员带走 {taken} 份，在 {relay} 只交接了 {meals} 份",
    ),
    "v_relay_capacity": (
        "{meals} meals at {relay}, capacity {capacity}",
        "{relay} 共 {meals} 份，容量 {capacity} 份",
    ),
    "v_servable_unassigned": (
        "reported '{reported}' but servable: {how}",
        "列为“{reported}”，但可以送达：{how}",
    ),
    "v_insert_route": (
        "{who} can take it as stop {position} of their route",
        "{who} 可在路线第 {position} 站送达",
    ),
    "v_insert_stop": (
        "{who} can take it at their stop {position} in the same building",
        "{who} 可在同楼的第 {position} 站一并送达",
    ),
    "v_insert_idle": ("{who}, who has no route, can take it", "没有路线的 {who} 可以送达"),
    "v_reason_false": ("reported '{reported}' but {fact}", "列为“{reported}”，但{fact}"),
    "v_fact_climbs": ("{who} climbs to floor {floor}", "{who} 能爬到 {floor} 楼"),
    "v_fact_carries": ("{who} carries {capacity} meals", "{who} 可载 {capacity} 份"),
    "v_fact_direct": (
        "a direct trip by {who} takes {minutes} min, within the {limit} min limit",
        "{who} 直送只需 {minutes} 分钟，在 {limit} 分钟时限内",
    ),
    "v_fact_window": (
        "{who} can be at the door at {arrival}, inside the window ending {end}",
        "{who} 可在 {arrival} 到达，在时间窗结束 {end} 之前",
    ),
    "v_fact_cooked": (
        "{who} can finish the hand-over at {done}, by the limit {deadline}",
        "{who} 可在 {done} 送完，不晚于时限 {deadline}",
    ),
    "v_fact_shift": (
        "{who} can finish at {done}, before their shift ends at {end}",
        "{who} 可在 {done} 送完，早于其班次结束 {end}",
    ),
    "v_fact_relay": (
        "{rider} can bring the meals to {relay} and {walker} hand them over at {done}, "
        "inside every rule",
        "{rider} 可把餐送到 {relay}，由 {walker} 在 {done} 送达，符合所有规则",
    ),
    "v_fact_no_window": ("the client has no time window", "该客户没有时间窗"),
    "v_fact_on_shift": ("{who} is on shift until {end}", "{who} 在班至 {end}"),
}
