"""User-facing texts in Chinese and English: error reasons and unassigned reasons.

Every sentence a canteen worker or a courier may read is written here once, in both
languages, and rendered with ``text(code, **params)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages."""

    en: str
    zh: str


_CATALOGUE: dict[str, tuple[str, str]] = {
    # Input errors.
    "file_missing": ("file not found: {path}", "找不到文件：{path}"),
    "file_unreadable": ("cannot read the file: {detail}", "无法读取文件：{detail}"),
    "file_unwritable": ("cannot write: {detail}", "无法写入：{detail}"),
    "out_not_folder": (
        "is not a folder; --out names a folder to write into",
        "不是文件夹；--out 应指定输出文件夹",
    ),
    "out_not_ours": (
        "holds files this command did not write (no {marker} marker); choose an empty or "
        "new folder, nothing was changed",
        "该文件夹中有非本程序写入的文件（无 {marker} 标记）；"
        "请指定空文件夹或新文件夹，未做任何改动",
    ),
    "out_foreign_file": (
        "holds '{name}', which an earlier run did not write; move it away or choose another "
        "folder, nothing was changed",
        "其中的“{name}”不是之前运行写入的；请移走该文件或另选文件夹，未做任何改动",
    ),
    "out_name_escapes": (
        "output file name '{name}' would leave the output folder",
        "输出文件名“{name}”会超出输出文件夹",
    ),
    "file_format": (
        "not valid YAML or JSON ({detail})",
        "不是有效的 YAML 或 JSON（{detail}）",
    ),
    "file_too_large": (
        "the file is larger than {limit} MB; split it or give fewer clients",
        "文件超过 {limit} MB，请拆分文件或减少客户",
    ),
    "too_many_nodes": (
        "more than {limit} YAML values; split the file or give fewer clients",
        "YAML 取值超过 {limit} 个，请拆分文件或减少客户",
    ),
    "too_deep": ("nested more than {limit} levels deep", "嵌套超过 {limit} 层"),
    "yaml_alias": (
        "YAML aliases (*{name}) are not allowed: write the value out in full",
        "不允许使用 YAML 别名（*{name}）：请写出完整的值",
    ),
    "duplicate_key": ("field '{name}' is given twice", "字段“{name}”出现了两次"),
    "bad_char": (
        "text must not contain {char} (character {at})",
        "文本不能包含{char}（第 {at} 个字符）",
    ),
    "bad_char_key": ("a field name here contains {char}", "此处有字段名包含{char}"),
    "csv_format": ("not valid CSV ({detail})", "不是有效的 CSV（{detail}）"),
    "not_mapping": ("must be a mapping of fields", "必须是字段映射（键: 值）"),
    "missing_field": ("missing required field '{name}'", "缺少必填字段“{name}”"),
    "unknown_field": ("unknown field '{name}'", "未知字段“{name}”"),
    "wrong_type": ("must be {expected} (got {got})", "应为{expected_zh}（实际为 {got}）"),
    "not_one_of": ("must be one of {allowed} (got {got})", "只能取 {allowed}（实际为 {got}）"),
    "too_small": ("must be at least {limit} (got {got})", "不能小于 {limit}（实际为 {got}）"),
    "too_large": ("must be at most {limit} (got {got})", "不能大于 {limit}（实际为 {got}）"),
    "bad_time": (
        "not a time of day HH:MM between 00:00 and 23:59 (got {got})",
        "不是 00:00–23:59 之间的时刻 HH:MM（实际为 {got}）",
    ),
    "bad_date": ("not a date YYYY-MM-DD (got {got})", "不是日期 YYYY-MM-DD（实际为 {got}）"),
    "bad_pattern": ("must match {pattern} (got {got})", "应符合 {pattern}（实际为 {got}）"),
    "bad_length": ("must have exactly {n} items (got {got})", "必须恰好有 {n} 项（实际为 {got}）"),
    "too_few": ("must have at least {n} item(s)", "至少需要 {n} 项"),
    "not_finite": ("must be a finite number (got {got})", "必须是有限的数字（实际为 {got}）"),
    "window_order": (
        "must end after it starts (got {start}–{end})",
        "结束时间必须晚于开始时间（实际为 {start}–{end}）",
    ),
    "date_order": (
        "must not end before it starts (got {start} to {end})",
        "结束日期不能早于开始日期（实际为 {start} 至 {end}）",
    ),
    "duplicate_id": (
        "duplicate id '{id}' (first used at {first})",
        "编号“{id}”重复（已在 {first} 使用）",
    ),
    "no_meals": ("must order at least one meal", "至少要订一份餐"),
    "building_mismatch": (
        "building '{building}' has {attribute}={value} here "
        "but {attribute}={other} at {other_path}",
        "楼栋“{building}”在此处为 {attribute}={value}，但在 {other_path} 为 {attribute}={other}",
    ),
    "building_too_spread": (
        "building '{building}' is {distance_m} m from its location at {other_path}; "
        "one building must have one location",
        "楼栋“{building}”与 {other_path} 的位置相距 {distance_m} 米，同一楼栋应为同一位置",
    ),
    "unknown_reference": (
        "refers to unknown {what} '{id}'",
        "引用了不存在的{what_zh}“{id}”",
    ),
    # Unassigned reasons.
    "no_climber": (
        "lives on floor {floor} without a lift and no courier climbs that high "
        "(highest: floor {best})",
        "住 {floor} 楼且无电梯，没有配送员能爬这么高（最高 {best} 楼）",
    ),
    "over_capacity": (
        "orders {meals} meals, more than the largest courier carries ({capacity})",
        "订餐 {meals} 份，超过配送员最大载量（{capacity} 份）",
    ),
    "too_far": (
        "canteen to door takes at least {minutes} min, over the {limit} min food-safety limit",
        "从饭堂到家门至少需 {minutes} 分钟，超过 {limit} 分钟的食品安全时限",
    ),
    "window_unreachable": (
        "the earliest hand-over is {earliest}, after the window ends at {end}",
        "最早送达时间 {earliest} 晚于时间窗结束 {end}",
    ),
    "no_capacity": (
        "all couriers are full: {demand} meals ordered, {capacity} can be carried",
        "配送员已满载：共订 {demand} 份，最多可运 {capacity} 份",
    ),
    "no_worker": (
        "nobody can carry meals today in this weather",
        "当前天气下没有人能送餐",
    ),
    "no_relay": (
        "outside the riders' radius today and no relay point has a grid worker "
        "who can walk there in time",
        "今天超出骑手直送范围，且没有接力点的网格员能及时步行送达",
    ),
    "no_rider_for_relay": (
        "no rider can bring the meals to relay point {relay} in time",
        "没有骑手能及时把餐送到接力点 {relay}",
    ),
    "relay_late": (
        "the grid worker cannot reach this door in time after the hand-over at {relay}",
        "在接力点 {relay} 交接后，网格员无法及时送达",
    ),
    "network_outside": (
        "every point lies outside the road network for {mode}",
        "所有地点都在{mode}路网范围之外",
    ),
    "no_time": (
        "no courier has time to reach this door inside its window and the food-safety limit",
        "没有配送员能在时间窗和食品安全时限内送达",
    ),
    "no_courier_on_shift": (
        "no courier is on shift after the meals are ready at {ready}",
        "出餐时间 {ready} 之后没有在班的配送员",
    ),
    # Couriers not used today.
    "shift_before_meals": (
        "the shift ends at {end}: it is over when the meals are ready at {ready}",
        "班次 {end} 结束，出餐时间 {ready} 时已下班",
    ),
    "no_riding_today": (
        "nobody rides in this weather ({weather}): only people on foot carry meals",
        "当前天气（{weather}）下不骑行，只有步行人员送餐",
    ),
    "relay_closed_in_shift": (
        "relay point {relay} is open {opens}–{closes}, outside the shift {start}–{end}",
        "接力点 {relay} 开放时间 {opens}–{closes}，不在班次 {start}–{end} 内",
    ),
    # Road networks.
    "network_format": (
        "unsupported road-network file '{name}': expected .osm, .osm.bz2 or .osm.pbf",
        "不支持的路网文件“{name}”：应为 .osm、.osm.bz2 或 .osm.pbf",
    ),
    "network_corrupt": (
        "not a readable OpenStreetMap extract ({detail})",
        "不是可读取的 OpenStreetMap 路网文件（{detail}）",
    ),
    "network_empty": (
        "the extract has no streets or paths usable by any travel mode",
        "该路网文件中没有任何可通行的道路",
    ),
    "network_no_roads": (
        "the extract has no connected streets usable by {mode}",
        "该路网文件中没有{mode_zh}可用的连通道路",
    ),
    # What-if files.
    "unknown_change": (
        "unknown change '{name}' (known: {known})",
        "未知的变更“{name}”（可用：{known}）",
    ),
    "one_change": (
        "each change is a mapping with exactly one key, e.g. {{courier_off: r03}}",
        "每项变更应为只有一个键的映射，例如 {{courier_off: r03}}",
    ),
    "close_roads_needs_network": (
        "close_roads needs a road network, and this scenario has none (no 'network' field): "
        "travel is straight-line distance × detour factor, so there are no roads to close",
        "封路需要路网，但该场景没有路网（无“network”字段）：行程按直线距离×绕行系数计算，没有可封的道路",
    ),
    "bad_offset": (
        "not a shift in whole minutes such as -30min or +15min (got {got})",
        "不是以整分钟表示的平移，如 -30min 或 +15min（实际为 {got}）",
    ),
    "shift_out_of_day": (
        "shifting {time} by {minutes} min leaves the day (00:00–23:59)",
        "将 {time} 平移 {minutes} 分钟后超出当天（00:00–23:59）",
    ),
    "list_needs_id": (
        "'{name}' is a list: name one item by its id, e.g. {name}.{example}.{field}",
        "“{name}”是列表：请用编号指定其中一项，例如 {name}.{example}.{field}",
    ),
    "file_not_allowed": (
        "files cannot be named here; give the clients inline as a list of client mappings",
        "此处不能引用文件，请直接以客户映射列表给出客户",
    ),
    "bad_meals": (
        "meals are written variant:count;variant:count, e.g. regular:1;soft:1 (got {got})",
        "餐食应写作 品种:份数;品种:份数，例如 regular:1;soft:1（实际为 {got}）",
    ),
    "too_many_clients": (
        "at most {cap} clients per scenario (got {got}); --max-clients raises the cap",
        "每个场景最多 {cap} 位客户（实际 {got} 位）；可用 --max-clients 提高上限",
    ),
    "too_many_whatifs": (
        "at most {cap} what-ifs per comparison (got {got})",
        "每次对比最多 {cap} 个假设情景（实际 {got} 个）",
    ),
    # Road closures.
    "closed_roads_needs_network": (
        "closed_roads needs a road network ('network' field): without one, travel is "
        "straight-line distance × detour factor, so there are no roads to close",
        "closed_roads 需要路网（“network”字段）："
        "没有路网时行程按直线距离×绕行系数计算，没有可封的道路",
    ),
    # Spreadsheets in, the command line (sheets-cli).
    "sheet_format": (
        "clients come as .xlsx or .csv, not '{suffix}' (save the sheet as .xlsx or CSV)",
        "客户表应为 .xlsx 或 .csv 文件，而不是“{suffix}”（请另存为 .xlsx 或 CSV）",
    ),
    "csv_encoding": (
        "the CSV is neither UTF-8 nor GBK/GB18030 text (it looks like {guess}); save it as "
        '"CSV UTF-8" or as .xlsx',
        "该 CSV 既不是 UTF-8 也不是 GBK/GB18030 编码（看似 {guess}）；请另存为“CSV UTF-8”或 .xlsx",
    ),
    "xlsx_format": (
        "not a readable .xlsx workbook ({detail}); an old .xls must be saved as .xlsx",
        "不是可读取的 .xlsx 工作簿（{detail}）；旧的 .xls 文件请另存为 .xlsx",
    ),
    "too_many_rows": (
        "more than {limit} rows; split the sheet",
        "超过 {limit} 行，请拆分表格",
    ),
    "sheet_empty": ("the sheet has no header row", "表格没有表头行"),
    "out_exists": (
        "already exists; give --force to replace it, nothing was changed",
        "已存在；如需覆盖请加 --force，未做任何改动",
    ),
    "out_is_input": (
        "is an input of this command; write the result to another file",
        "是本命令的输入文件，请把结果写到另一个文件",
    ),
    "out_is_folder": (
        "is a folder; --out names the scenario file to write",
        "是文件夹；--out 应指定要写入的场景文件",
    ),
    "import_done": (
        "imported: {added} new, {updated} updated; {total} clients in {out}",
        "已导入：新增 {added} 位，更新 {updated} 位；{out} 共 {total} 位客户",
    ),
    "template_bad_cell": (
        "this cell takes a value from the list or a number in range",
        "此单元格只能填列表中的值或范围内的数字",
    ),
    "template_note_example": (
        "Row 2 of the clients sheet is an example: overwrite or delete it before importing.",
        "客户表第 2 行是示例：导入前请覆盖或删除。",
    ),
    "template_note_meals": (
        "meals: variant:count separated by ; e.g. regular:1;soft:1. lift: 是/否. "
        "window_start and window_end: HH:MM, both or neither.",
        "餐食：品种:份数，用 ; 分隔，例如 regular:1;soft:1。电梯：是/否。"
        "送达最早与送达最晚：HH:MM，两者都填或都不填。",
    ),
    "template_note_docs": (
        "Import: dispatch import clients.xlsx --scenario base.yaml --out day.yaml "
        "(docs/whatif.md, client sheets).",
        "导入：dispatch import clients.xlsx --scenario base.yaml --out day.yaml"
        "（见 docs/whatif.md 客户表一节）。",
    ),
    "lift_yes": ("yes", "是"),
    "lift_no": ("no", "否"),
    "plan_column_route": ("route", "线路"),
    "plan_column_courier": ("courier", "配送员"),
    "plan_column_stop": ("stop", "站序"),
    "plan_column_arrival": ("arrival", "到达"),
    "plan_column_departure": ("departure", "离开"),
    "plan_column_client": ("client id", "客户编号"),
    "plan_column_name": ("name", "姓名"),
    "plan_column_address": ("address", "地址"),
    "plan_column_building": ("building", "楼栋"),
    "plan_column_floor": ("floor", "楼层"),
    "plan_column_lift": ("lift", "电梯"),
    "plan_column_meals": ("meals", "餐食"),
    "plan_column_window": ("window", "时间窗"),
    "plan_column_relay_point": ("relay point", "接力点"),
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
    "rule_unknown_courier": ("unknown courier", "未知配送员"),
    "rule_unknown_relay": ("unknown relay point", "未知接力点"),
    "rule_walker_start": ("walker start", "网格员起点"),
    "rule_window": ("time window", "时间窗"),
    "verify_count": ("violations: {n}", "违规：{n} 处"),
    "plan_other_scenario": (
        "this plan is for {field} {plan!r}, the scenario is {scenario!r}: check that both files "
        "belong to the same day",
        "该计划的{field_zh}为 {plan!r}，而场景为 {scenario!r}：请确认两个文件属于同一天",
    ),
    "field_scenario": ("scenario", "场景名称"),
    "field_date": ("date", "日期"),
    "field_canteen": ("canteen", "饭堂"),
    "progress_planned": ("planned", "已规划"),
    "must_exceed": ("must be more than {limit} (got {got})", "必须大于 {limit}（实际为 {got}）"),
    "must_be_below": ("must be less than {limit} (got {got})", "必须小于 {limit}（实际为 {got}）"),
    "too_many": ("must have at most {n} item(s)", "最多 {n} 项"),
    "schema_rule": (
        "breaks the scenario format's '{keyword}' rule (docs/scenario.md)",
        "不符合场景格式的“{keyword}”规则（见 docs/scenario.md）",
    ),
    "not_nonnegative": (
        "must be a number of at least 0 (got {got})",
        "应为不小于 0 的数字（实际为 {got}）",
    ),
    # Sentences that stood in the service, the errors and the readers, moved here (sheets-cli).
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
    "http_bad_request": ("the request is malformed", "请求格式错误"),
    "http_not_found": ("no such URL", "找不到该网址"),
    "http_method_not_allowed": ("method not allowed for this URL", "该网址不支持此请求方法"),
    "http_too_large": ("the body is larger than {limit} bytes", "请求体超过 {limit} 字节"),
    "http_unsupported_media_type": ("unsupported media type", "不支持的内容类型"),
    "http_other": ("the request failed (HTTP {status})", "请求失败（HTTP {status}）"),
    "http_internal": ("internal server error", "服务器内部错误"),
    "queue_full": (
        "all solvers are busy and the queue is full; retry after {retry_after_s} s",
        "求解器繁忙且队列已满，请 {retry_after_s} 秒后重试",
    ),
    "store_unavailable": (
        "the database is not answering; retry after {retry_after_s} s",
        "数据库暂时无法访问，请 {retry_after_s} 秒后重试",
    ),
    "queue_unavailable": (
        "the job queue is not answering; nothing was queued; retry after {retry_after_s} s",
        "任务队列暂时无法访问，未排入任务，请 {retry_after_s} 秒后重试",
    ),
    "auth_rate_limited": (
        "too many failed API key checks from this address; retry after {retry_after_s} s",
        "该地址 API 密钥验证失败次数过多，请 {retry_after_s} 秒后重试",
    ),
    "char_surrogate": ("an unpaired surrogate ({unicode})", "不成对的代理字符（{unicode}）"),
    "char_nul": ("the NUL character ({unicode})", " NUL 字符（{unicode}）"),
    "kind_other": ("a {type_name}", "{type_name} 值"),
    "kind_text": ("a text of {count} characters", "{count} 个字符的文本"),
    "kind_mapping": ("a mapping with {count} field(s)", "含 {count} 个字段的映射"),
    "kind_list": ("a list of {count} item(s)", "含 {count} 项的列表"),
    "kind_number": ("a number", "数字"),
    "network_not_in_maps": (
        "network must be the file name of a road network in the server's maps folder "
        "(DISPATCH_MAPS_DIR), without a path",
        "network 必须是服务器路网文件夹（DISPATCH_MAPS_DIR）中的路网文件名，不含路径",
    ),
    "too_many_clients_request": (
        "at most {cap} clients per request (MAX_CLIENTS; got {count})",
        "每个请求最多 {cap} 位客户（MAX_CLIENTS；实际 {count}）",
    ),
    "time_limit_too_long": (
        "time limit at most {cap} s per plan (MAX_TIME_LIMIT_S; got {time_limit_s})",
        "每次求解时限最多 {cap} 秒（MAX_TIME_LIMIT_S；实际 {time_limit_s}）",
    ),
    "bad_seed": (
        "a seed is a whole number from 0 to {max_seed}",
        "随机种子必须是 0 到 {max_seed} 之间的整数",
    ),
    "body_not_json": ("the body must be JSON", "请求体必须是 JSON"),
    "solve_too_long": (
        "the solve ran past its time limit plus {grace_s} s and was stopped",
        "求解超过时限加 {grace_s} 秒，已被停止",
    ),
    "solver_failed": ("the solver failed unexpectedly ({detail})", "求解器意外失败（{detail}）"),
    "key_required": ("an API key is required: Authorization: Bearer <key>", "需要 API 密钥"),
    "key_unknown": ("unknown or revoked API key", "API 密钥无效或已吊销"),
    "key_role_needed": (
        "this needs the '{role}' role; the key has '{has}'",
        "此操作需要“{role}”角色，该密钥为“{has}”",
    ),
    "key_admin_scope": (
        "an admin of canteen '{canteen}' makes keys only for it, not for {where}",
        "饭堂“{canteen}”的管理员只能为本饭堂创建密钥",
    ),
    "worker_silent": (
        "the worker solving this job stopped answering (no heartbeat for {silent_s:.0f} s: "
        "killed, out of memory or its machine lost); submit it again",
        "求解该任务的进程已无响应（{silent_s:.0f} 秒无心跳：被终止、内存不足或所在机器失联），请"
        "重新提交",
    ),
    "solver_killed_unknown": (
        "the solver process was killed by signal {number} ({name})",
        "求解进程被信号 {number}（{name}）终止",
    ),
    "solver_no_status": (
        "the solver process ended without an exit status",
        "求解进程结束但没有退出状态",
    ),
    "solver_exit_code": (
        "the solver process exited with code {exitcode} without an answer",
        "求解进程以退出码 {exitcode} 结束，未给出结果",
    ),
    "solver_killed": (
        "the solver process was killed by signal {number} ({name}); most likely the machine ran "
        "out of memory",
        "求解进程被信号 {number}（{name}）终止，很可能是机器内存不足",
    ),
    "data_key_missing": (
        "{env} must be set for a shared database; make a key with: {make_one}",
        "共享数据库须设置 {env}；生成密钥：{make_one}",
    ),
    "data_key_bad": (
        "not a Fernet key (32 url-safe base64 bytes); make one with: {make_one}",
        "不是有效的 Fernet 密钥（32 字节 url-safe base64）；生成方法：{make_one}",
    ),
    "data_key_wrong": (
        "the data key does not open this store's records; use the one that sealed them",
        "数据密钥无法解开本库中的记录，请使用加密时的密钥",
    ),
    "record_missing": ("no {value} '{record_id}'", "没有编号为“{record_id}”的记录"),
    "job_cancelled": ("cancelled on request", "已按请求取消"),
    "job_orphaned": (
        "the server stopped while this job was queued or running; submit it again",
        "任务排队或计算时服务器已停止，请重新提交",
    ),
    "plan_missing": ("no plan '{plan_id}'", "没有编号为“{plan_id}”的路线"),
    "job_finished": (
        "the plan has already finished ({status}); stored plans are kept",
        "该路线已结束（{status}），已保存的路线不会删除",
    ),
    "canteen_deactivated": ("canteen '{canteen_id}' is deactivated", "饭堂“{canteen_id}”已停用"),
    "comparison_missing": ("no comparison '{plan_id}'", "没有编号为“{plan_id}”的比较"),
    "record_exists": (
        "'{value}' already exists; use PUT to change it",
        "“{value}”已存在，请用 PUT 修改",
    ),
    "key_compares_only": (
        "this key compares only for canteen '{scope}'",
        "该密钥只能为饭堂“{scope}”比较",
    ),
    "key_scope_needed": (
        "give either canteen (an id of at most 64 characters) or scope: street",
        "须给出 canteen（最多 64 个字符的编号）或 scope: street，二者取一",
    ),
    "key_name_too_long": ("a text of at most 200 characters", "最多 200 个字符的文本"),
    "key_not_active": ("no active key '{key_id}'", "没有有效密钥“{key_id}”"),
    "key_adds_no_canteen": (
        "a key of canteen '{scope}' adds no other canteen; that needs a street key",
        "饭堂“{scope}”的密钥不能新增其他饭堂，需街道级密钥",
    ),
    "record_id_mismatch": (
        "the body's id must match the URL ('{record_id}')",
        "请求体中的 id 必须与网址一致（“{record_id}”）",
    ),
    "key_plans_only": (
        "this key plans only for canteen '{scope}'",
        "该密钥只能为饭堂“{scope}”排线",
    ),
    "route_missing": ("no route for courier '{courier}'", "没有配送员“{courier}”的路线"),
    "plan_not_done": ("the plan is {status}, not done", "该路线状态为 {status}，尚未完成"),
    "column_id": ("client id", "编号"),
    "column_name": ("name", "姓名"),
    "column_phone": ("phone", "电话"),
    "column_lat": ("latitude", "纬度"),
    "column_lon": ("longitude", "经度"),
    "column_address": ("address", "地址"),
    "column_building": ("building", "楼栋"),
    "column_floor": ("floor", "楼层"),
    "column_lift": ("lift", "电梯"),
    "column_window_start": ("window start", "送达最早"),
    "column_window_end": ("window end", "送达最晚"),
    "column_meals": ("meals", "餐食"),
    "column_group": ("group", "类别"),
    "column_active_from": ("active from", "开始日期"),
    "column_active_to": ("active to", "结束日期"),
    "column_notes": ("notes", "备注"),
}


def text(code: str, **params: object) -> Text:
    """Render message ``code`` in both languages with ``params``.

    A parameter that is itself a ``Text`` is rendered in each message's own language.
    """
    en, zh = _CATALOGUE[code]
    return Text(en=en.format(**_in(params, "en")), zh=zh.format(**_in(params, "zh")))


def _in(params: dict[str, object], language: str) -> dict[str, object]:
    return {k: getattr(v, language) if isinstance(v, Text) else v for k, v in params.items()}
