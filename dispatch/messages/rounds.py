"""The texts of grid teams' rounds: why a task is left out, what the verifier finds, the round
sheet and page (docs/grid.md, "Rounds"), a part of the one catalogue."""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    "round_bad_setting": (
        "is not a valid round setting '{name}'",
        "不是有效的走访设置“{name}”",
    ),
    "round_no_climber": (
        "floor {floor} without a lift, and nobody on today's round climbs stairs",
        "{floor}楼且无电梯，今天走访的成员中没有能爬楼的",
    ),
    "round_too_many_items": (
        "{items} items to carry; no member who can reach the floor carries that many",
        "需携带{items}件物品，能上该楼层的成员都带不了这么多",
    ),
    "round_unreachable": (
        "no member who can reach the floor gets there inside its window ({start}–{end}) "
        "and back within their hours",
        "能上该楼层的成员都无法在时间窗（{start}–{end}）内到达并在工作时间内返回",
    ),
    "round_no_time": (
        "no time left: every member's round is full for their hours",
        "时间不够：各成员的走访路线已排满",
    ),
    "round_team_missing": (
        "team '{team}' is not in the register",
        "台账中没有小分队“{team}”",
    ),
    "round_check_unknown": (
        "{what} '{id}' is not in the day's rounds",
        "当天走访中没有{what}“{id}”",
    ),
    "round_check_twice": (
        "task '{task}' is planned twice or both planned and left out",
        "任务“{task}”被安排了两次，或既被安排又被列为未安排",
    ),
    "round_check_missing": (
        "task '{task}' is neither planned nor left out with a reason",
        "任务“{task}”既未安排也未说明原因",
    ),
    "round_check_time": (
        "member '{member}', '{task}': {field} is {got}, recomputed {want}",
        "成员“{member}”，“{task}”：{field}为{got}，重算应为{want}",
    ),
    "round_what_pickup": ("the pick-up for", "取物："),
    "round_what_task": ("task", "任务"),
    "round_check_window": (
        "{what} '{task}' starts at {start}, outside {window}",
        "{what}“{task}”开始于{start}，不在{window}内",
    ),
    "round_check_shift": (
        "member '{member}' works {start}–{end} but the round runs {left}–{back}",
        "成员“{member}”工作时间为{start}–{end}，路线却为{left}–{back}",
    ),
    "round_check_climb": (
        "member '{member}' does not climb stairs but serves floor {floor} without a lift",
        "成员“{member}”不爬楼，却被安排到无电梯的{floor}楼",
    ),
    "round_check_load": (
        "member '{member}' carries {load} items after '{task}', over their {capacity}",
        "成员“{member}”在“{task}”之后携带{load}件，超过其容量{capacity}",
    ),
    "round_check_pickup": (
        "task '{task}' needs its items fetched at '{station}' first, on the same round",
        "任务“{task}”需先在“{station}”取物，且由同一成员完成",
    ),
    "round_check_reason": (
        "task '{task}' is left out as '{reason}', which does not hold: {why}",
        "任务“{task}”未安排的原因“{reason}”不成立：{why}",
    ),
    "round_why_climber": ("a member who climbs is on the round", "有能爬楼的成员"),
    "round_why_needs_no_climb": ("the floor needs no stairs", "该楼层无需爬楼"),
    "round_why_carries": ("member '{member}' carries that many", "成员“{member}”带得了"),
    "round_why_alone": (
        "member '{member}' could do it alone in time",
        "成员“{member}”可单独按时完成",
    ),
    "round_why_fits": (
        "it fits into member '{member}''s round",
        "可插入成员“{member}”的路线",
    ),
    "web_nav_rounds": ("Rounds", "走访安排"),
    "web_round_intro": (
        "Plan a team's day: open requests and, if ticked, the households due a visit; one "
        "printable sheet per member.",
        "为小分队安排一天的走访：未完成的诉求，勾选后加上到期需走访的住户；每位成员一张可打印的走访单。",
    ),
    "web_round_date": ("Date", "日期"),
    "web_round_visits": ("Add due visits", "加入到期走访"),
    "web_round_plan": ("Plan rounds", "安排走访"),
    "web_round_summary": (
        "{done} of {tasks} tasks planned for {members} members, {pickups} pick-ups.",
        "共{tasks}项任务，已安排{done}项，{members}位成员，取物{pickups}次。",
    ),
    "web_round_print": ("Print sheets", "打印走访单"),
    "web_round_again": ("Plan another day", "再安排一天"),
    "web_round_violations": ("The verifier found problems", "校验发现问题"),
    "web_round_verified": (
        "Checked by the independent verifier: every rule holds.",
        "已由独立校验器复核：各项规则均满足。",
    ),
    "web_round_mode_walk": ("on foot", "步行"),
    "web_round_mode_ebike": ("e-bike", "电动车"),
    "web_round_leave": (
        "Leave {station} at {time} carrying {load}",
        "{time}从{station}出发，携带{load}件",
    ),
    "web_round_back": ("back by {time}", "{time}前返回"),
    "web_round_col_time": ("Time", "时间"),
    "web_round_col_what": ("What", "事项"),
    "web_round_col_where": ("Where", "地点"),
    "web_round_col_needed": ("Needed", "需求"),
    "web_round_col_items": ("Items (on hand)", "物品（在手）"),
    "web_round_col_window": ("Window", "时间窗"),
    "web_round_col_done": ("Done", "完成"),
    "web_round_col_task": ("Task", "任务"),
    "web_round_col_reason": ("Why not today", "未安排原因"),
    "web_round_pickup": ("Pick up", "取物"),
    "web_round_floor": ("floor {floor}", "{floor}楼"),
    "web_round_stairs": ("stairs", "爬楼"),
    "web_round_left_out": ("Not planned today", "今日未安排"),
    "web_round_sheet_note": (
        "Tick each stop; what could not be solved is reported up on the request board.",
        "每完成一处请打勾；解决不了的请在诉求板上报。",
    ),
    "round_mark_no_answer": ("nobody answered at the door on the round", "走访时无人应答"),
    "web_round_phone": ("Phone page", "手机页面"),
    "web_round_mark_done": ("Done", "已完成"),
    "web_round_mark_no_answer": ("No answer", "无人应答"),
    "web_round_mark_reported_up": ("Report up", "上报"),
    "web_round_mark_reason": ("What could not be solved", "无法解决的问题"),
    "web_round_marked": ("Marked: {mark}", "已记录：{mark}"),
    "web_round_member_intro": (
        "Mark each stop as you go: done, nobody answered (a follow-up goes on the request "
        "board), or report up what you cannot solve.",
        "每到一处请记录：已完成；无人应答（将在诉求板上生成跟进）；解决不了的请上报。",
    ),
    "round_check_coverage": (
        "household '{household}' is stated visited on {stated}, but the rounds first serve it on "
        "{actual}",
        "住户“{household}”记为{stated}走访，但路线上首次服务日期为{actual}",
    ),
    "round_check_hours": (
        "member '{member}' is stated out {stated} s over the campaign, but the rounds take "
        "{actual} s",
        "成员“{member}”记为工时{stated}秒，但路线合计{actual}秒",
    ),
    "round_check_mean": (
        "the team's stated mean is {stated} s, but the members not capped average {actual} s",
        "记载的队均工时为{stated}秒，但未封顶成员平均为{actual}秒",
    ),
    "round_check_capped_band": (
        "the members stated capped average {hours} s, not under the band about the others' "
        "mean {mean} s",
        "记为已尽其所能的成员平均工时{hours}秒，并未低于其他成员均值{mean}秒的容差下限",
    ),
    "round_check_capped_task": (
        "member '{member}' is stated capped, but could take task '{task}' from '{holder}'",
        "成员“{member}”记为已尽其所能，但本可承担“{holder}”的任务“{task}”",
    ),
    "round_bad_tolerance": (
        "must be a share of the mean above 0 and at most 1 (0.15: ±15 %)",
        "应为大于0且不超过1的比例（0.15即±15%）",
    ),
    "round_bad_days": (
        "must be a whole number of days from 1 to {most}",
        "应为1到{most}之间的整数天",
    ),
    "web_round_days": ("Plan", "安排"),
    "web_round_one_day": ("One day", "一天"),
    "web_round_week": ("A week of visits ({days} days)", "一周走访计划（{days}天）"),
    "web_round_coverage": ("Visit coverage", "走访覆盖"),
    "web_round_coverage_line": (
        "{due} households due a contact: {on_time} visited in time, {late} late, {missed} "
        "not this week.",
        "{due}户到期需联系：按时走访{on_time}户，逾期{late}户，本周未安排{missed}户。",
    ),
    "web_round_col_due": ("Due", "应联系日期"),
    "web_round_col_visited": ("Visited", "走访日期"),
    "web_round_not_visited": ("not this week", "本周未安排"),
    "web_nav_campaigns": ("Campaigns", "集中活动"),
    "web_campaign_intro": (
        "Hand something out (a gift pack) to every household of the chosen special groups "
        "within a few days, shared fairly among the members; one sheet per member and day.",
        "在几天内为所选特殊群体的每户送达（如爱心礼包），成员间公平分担；每位成员每天一张走访单。",
    ),
    "web_campaign_street": ("Street", "街道"),
    "web_campaign_all_teams": ("Every team", "全部小分队"),
    "web_campaign_first_day": ("First day", "开始日期"),
    "web_campaign_days": ("Days", "天数"),
    "web_campaign_kind": ("What", "内容"),
    "web_campaign_groups": ("To households with", "送达对象"),
    "web_campaign_plan": ("Plan the campaign", "安排集中活动"),
    "web_campaign_again": ("Plan another", "再安排一次"),
    "web_campaign_n_days": ("{days} days", "{days}天"),
    "web_campaign_summary": (
        "{delivered} of {households} households served; {balanced} of {teams} teams with "
        "every member within ±{tolerance}% of the team's mean hours (members who already do "
        "every household they can reach: of their own mean).",
        "{households}户中已安排{delivered}户；{teams}个小分队中{balanced}个的成员工时均在队均值±{tolerance}%以内"
        "（已承担其能到达的全部住户的成员按此类成员均值计）。",
    ),
    "web_campaign_balanced": ("shared fairly", "分担均衡"),
    "web_campaign_unbalanced": ("not all within the tolerance", "部分成员超出容差"),
    "web_campaign_member": ("Member", "成员"),
    "web_campaign_hours": ("Hours", "工时（小时）"),
    "web_campaign_off_mean": ("From the team's mean", "与队均值相差"),
    "web_campaign_capped": (
        "does every household they can reach (no stairs); from the mean of those who do",
        "已承担其能到达的全部住户（不爬楼），与此类成员均值相比",
    ),
    "web_campaign_who": ("Who gets one", "送达名单"),
}
