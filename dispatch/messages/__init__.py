"""User-facing texts in Chinese and English: error reasons and unassigned reasons.

Every sentence a canteen worker or a courier may read is written here once, in both
languages, and rendered with ``text(code, **params)``: the catalogue below and its parts in
``sheets``, ``papers``, ``verifier``, ``command_line``, ``service`` and ``web`` (the staff
pages) beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.messages import (
    board,
    command_line,
    courier,
    outcomes,
    papers,
    reports,
    requests,
    rounds,
    service,
    sheets,
    street,
    verifier,
    web,
)


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
    # Reasons name the rule that binds (issue 14 item 6): earliest times are rounded up to the
    # minute and deadlines down, so "earliest after the deadline" always reads true.
    "too_far": (
        "even a direct trip from {origin} to the door takes at least {minutes} min, "
        "over the {limit} min door-to-door limit",
        "即使从{origin}直送，到家门也至少需 {minutes} 分钟，超过 {limit} 分钟的送达时限",
    ),
    "window_unreachable": (
        "the earliest anyone can be at the door is {earliest}, after the window ends at {end}",
        "最早 {earliest} 才能到达，晚于时间窗结束 {end}",
    ),
    "cooked_limit": (
        "the earliest hand-over ends at {done}, after the cooked-to-door limit: meals ready "
        "{ready} + {limit} min = {deadline}",
        "最早 {done} 才能送完，超过出餐后送达时限：出餐 {ready} + {limit} 分钟 = {deadline}",
    ),
    "shift_over": (
        "no shift lasts long enough: the soonest anyone could finish here is {done}, "
        "after their shift ends at {end}",
        "没有人的班次够长：最早 {done} 才能送完，而其班次 {end} 结束",
    ),
    "on_foot_only": (
        "nobody rides at {weather}, only people on foot carry meals: {reason}",
        "{weather} 天气下不骑行，只能步行送餐：{reason}",
    ),
    "from_canteen": ("the canteen", "饭堂"),
    "from_relay": ("relay point {relay}", "接力点 {relay}"),
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
    # Relay days (branch relay): a door reachable on foot, but every trip is full.
    "relay_busy": (
        "the grid workers who can walk there in time are busy with other clients' meals "
        "on every trip they can make",
        "能及时步行送达的网格员每一趟都已在为其他老人送餐",
    ),
    "network_outside": (
        "every point lies outside the road network for {mode}",
        "所有地点都在{mode}路网范围之外",
    ),
    "no_time": (
        "no courier's route has room in time for this door: fitting it in breaks its window, "
        "the door-to-door or cooked-to-door limit or a shift",
        "没有配送员的路线能及时加入此户：加入会违反时间窗、送达时限或班次",
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
    # Priorities (issue 14 item 5): who is served first when not everyone can be.
    "higher_priority": (
        "the couriers were filled by clients of higher priority (priority {served} served, "
        "this client has priority {priority})",
        "配送员的运力和时间已优先用于优先级更高的客户（已送达优先级 {served}，"
        "该客户优先级 {priority}）",
    ),
    # Road closures.
    "closed_roads_needs_network": (
        "closed_roads needs a road network ('network' field): without one, travel is "
        "straight-line distance × detour factor, so there are no roads to close",
        "closed_roads 需要路网（“network”字段）："
        "没有路网时行程按直线距离×绕行系数计算，没有可封的道路",
    ),
    # Schedules and continuity of care (clients' weekdays and pauses, --date).
    "repeated_item": ("lists the same value twice", "同一取值出现了两次"),
    "not_scheduled": (
        "not scheduled on {weekday}s (served on {days})",
        "{weekday_zh}不在送餐日（送餐日：{days_zh}）",
    ),
    "paused": ("paused from {start} to {end}", "暂停送餐：{start} 至 {end}"),
    "paused_because": (
        "paused from {start} to {end}: {reason}",
        "暂停送餐：{start} 至 {end}，{reason}",
    ),
    # Schema keywords and query numbers, each in its own words (sheets-cli).
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
}

WEEKDAY_NAMES: tuple[tuple[str, str], ...] = (
    ("Monday", "周一"),
    ("Tuesday", "周二"),
    ("Wednesday", "周三"),
    ("Thursday", "周四"),
    ("Friday", "周五"),
    ("Saturday", "周六"),
    ("Sunday", "周日"),
)


# The catalogue's parts kept in modules of their own, so no module grows past 400 lines.
_CATALOGUE |= (
    sheets.CATALOGUE
    | papers.CATALOGUE
    | verifier.CATALOGUE
    | command_line.CATALOGUE
    | service.CATALOGUE
    | web.CATALOGUE
    | outcomes.CATALOGUE
    | board.CATALOGUE
    | courier.CATALOGUE
    | reports.CATALOGUE
    | street.CATALOGUE
    | requests.CATALOGUE
    | rounds.CATALOGUE
)


def text(code: str, **params: object) -> Text:
    """Render message ``code`` in both languages with ``params``.

    A parameter that is itself a ``Text`` is rendered in each message's own language.
    """
    en, zh = _CATALOGUE[code]
    return Text(en=en.format(**_in(params, "en")), zh=zh.format(**_in(params, "zh")))


def labels(prefix: str, language: str) -> dict[str, str]:
    """Every message under ``prefix`` (e.g. ``"paper."``) in ``language``, keyed without it."""
    index = 0 if language == "en" else 1
    return {k[len(prefix) :]: v[index] for k, v in _CATALOGUE.items() if k.startswith(prefix)}


def has_text(code: str) -> bool:
    """Whether ``code`` is in the catalogue (a custom meal variant is not)."""
    return code in _CATALOGUE


def _in(params: dict[str, object], language: str) -> dict[str, object]:
    return {k: getattr(v, language) if isinstance(v, Text) else v for k, v in params.items()}
