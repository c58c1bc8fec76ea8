"""Sentences of the command line: the plan table, verify, progress, server commands."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "summary_courier": ("worker", "人员"),
    "summary_mode": ("as", "方式"),
    "summary_stops": ("stops", "站数"),
    "summary_meals": ("meals", "餐数"),
    "summary_leave": ("leave", "出发"),
    "summary_done": ("done", "完成"),
    "summary_km": ("km", "公里"),
    "summary_d2d": ("d2d min", "在途分钟"),
    "summary_rider": ("rider", "骑手"),
    "summary_walker": ("walker", "网格员"),
    "summary_totals": (
        "served {served}/{clients} clients · {riders} riders, {walkers} grid workers · "
        "{meals} meals ({variants}) · violations {violations}",
        "送达 {served}/{clients} 位客户 · 骑手 {riders} 人，网格员 {walkers} 人 · "
        "{meals} 份餐（{variants}） · 违规 {violations}",
    ),
    "summary_unassigned": ("unassigned", "未安排"),
    "summary_not_used": ("not used", "未启用"),
    "summary_not_scheduled_count": (
        "not scheduled today: {n} clients",
        "今日不送：{n} 位客户",
    ),
    "summary_not_scheduled": ("not scheduled", "今日不送"),
    "summary_kept": (
        "kept courier {kept}/{of} clients (usual or earlier courier)",
        "保持原配送员 {kept}/{of} 位客户（常用或上次的配送员）",
    ),
    "summary_written": ("written", "已写入"),
    "rule_capacity": ("capacity", "载量"),
    "rule_climbing": ("climbing", "爬楼"),
    "rule_cooked_to_door": ("cooked to door", "出餐到送达"),
    "rule_courier_twice": ("courier twice", "配送员重复"),
    "rule_empty_stop": ("empty stop", "空站点"),
    "rule_food_safety": ("food safety", "食品安全时限"),
    "rule_handover_meals": ("hand-over meals", "交接餐数"),
    "rule_handover_mismatch": ("hand-over mismatch", "交接不符"),
    "rule_handover_order": ("hand-over order", "交接顺序"),
    "rule_inactive": ("inactive client", "客户今日不送"),
    "rule_meals_ready": ("meals ready", "出餐时间"),
    "rule_missing": ("missing", "遗漏客户"),
    "rule_mixed_stop": ("mixed stop", "站点混楼"),
    "rule_relay_capacity": ("relay capacity", "接力点容量"),
    "rule_relay_closed": ("relay closed", "接力点未开放"),
    "rule_relay_wait": ("relay wait", "接力等待"),
    "rule_served_and_unassigned": ("served and unassigned", "既送达又未安排"),
    "rule_served_twice": ("served twice", "重复送达"),
    "rule_shift": ("shift", "班次"),
    "rule_time_mismatch": ("time mismatch", "时间不符"),
    "rule_unknown_client": ("unknown client", "未知客户"),
    "rule_not_scheduled_but_due": ("listed as not due but due", "误列为今日不送"),
    "rule_unknown_courier": ("unknown courier", "未知配送员"),
    "rule_unknown_relay": ("unknown relay point", "未知接力点"),
    "rule_walker_start": ("walker start", "网格员起点"),
    "rule_window": ("time window", "时间窗"),
    "verify_count": ("violations: {n}", "违规：{n} 处"),
    "plan_other_scenario": (
        "this plan is for {field} {plan!r}, the scenario is {scenario!r}: check that both files "
        "belong to the same canteen's day",
        "该计划的{field_zh}为 {plan!r}，而场景为 {scenario!r}：请确认两个文件属于同一饭堂的同一天",
    ),
    "field_scenario": ("scenario", "场景名称"),
    "field_canteen": ("canteen", "饭堂"),
    "progress_planned": ("planned", "已规划"),
    "needs_server_extra": (
        "needs the server extra (module {module} is missing): pip install "
        "'nuanliu-dispatch[server]' (in a clone: pip install -e '.[server]')",
        "需要安装 server 附加组件（缺少模块 {module}）：pip install "
        "'nuanliu-dispatch[server]'（源码目录中：pip install -e '.[server]'）",
    ),
    "worker_needs_urls": (
        "DISPATCH_QUEUE_URL and DISPATCH_DATABASE_URL must be set",
        "需要设置 DISPATCH_QUEUE_URL 和 DISPATCH_DATABASE_URL",
    ),
    "key_revoked": ("revoked: {key_id}", "已吊销：{key_id}"),
    "key_scope_canteen": ("canteen {canteen}", "饭堂 {canteen}"),
    "key_scope_street": ("street", "街道"),
    "key_created": (
        "key {key_id} ({role}, {scope}); the token is shown once:",
        "密钥 {key_id}（{role}，{scope}）；令牌只显示这一次：",
    ),
    "key_scope_needed": (
        "give either canteen (an id of at most 64 characters) or scope: street",
        "须给出 canteen（最多 64 个字符的编号）或 scope: street，二者取一",
    ),
}
