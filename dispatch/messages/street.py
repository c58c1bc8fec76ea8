"""The grid register's texts (street office, teams, buildings, households), a part of the one
catalogue."""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    "street_end_before_start": (
        "must be later than the member's start",
        "结束时间应晚于开始时间",
    ),
    "street_leader_not_member": (
        "names '{id}', who is not one of the team's members",
        "“{id}”不是本小分队的成员",
    ),
    "street_responsible_not_in_team": (
        "names '{id}', who is not a member of team '{team}', which covers the building",
        "“{id}”不是负责该楼栋的小分队“{team}”的成员",
    ),
    "street_client_linked": (
        "client '{id}' is already linked to household '{household}'",
        "客户“{id}”已关联住户“{household}”",
    ),
    "street_office_only": (
        "only the street office changes {what}; a team's key or login may not",
        "只有街道办可以修改{what_zh}，小分队账号不可以",
    ),
    "street_no_canteen": (
        "the grid register belongs to the street office and its teams; a canteen's key or "
        "login does not see it",
        "网格台账属于街道办及其小分队，饭堂账号无权查看",
    ),
    "street_not_your_team": (
        "belongs to another team; a team's key or login changes only its own households",
        "属于其他小分队；小分队账号只能修改本队的住户",
    ),
    "street_team_key_scope": (
        "a key or login of a team must not also name a canteen",
        "小分队账号不能同时属于饭堂",
    ),
    "street_team_only": (
        "a team's key or login sees only the grid register (/v1/grids, /v1/teams, "
        "/v1/buildings, /v1/households)",
        "小分队账号只能查看网格台账（网格、小分队、楼栋、住户）",
    ),
    "street_unknown_team": ("no team '{team}' in the register", "台账中没有小分队“{team}”"),
    # Special groups (the register's five) and the household sheet's columns.
    "street_group_empty_nest_elderly": ("empty-nest or living-alone elderly", "空巢独居老年人"),
    "street_group_children_in_difficulty": ("child in difficulty", "困境儿童"),
    "street_group_pregnant_postpartum": ("pregnant or postpartum", "孕产妇"),
    "street_group_severely_disabled": ("severely disabled", "重度残疾人"),
    "street_group_seriously_ill": ("seriously ill", "重病患者"),
    "street_column_id": ("household id", "住户编号"),
    "street_column_building": ("building id", "楼栋编号"),
    "street_column_floor": ("floor", "楼层"),
    "street_column_unit": ("unit and flat", "单元门牌"),
    "street_column_member": ("resident's name", "成员姓名"),
    "street_column_group": ("special group", "特殊群体"),
    "street_column_responsible": ("responsible member's id", "责任人编号"),
    "street_column_needs": ("needs", "需求"),
    "street_column_notes": ("notes", "备注"),
    "street_column_client_canteen": ("canteen of the client", "饭堂（已是送餐客户）"),
    "street_column_client_id": ("client id at the canteen", "送餐客户编号"),
    "street_column_last_contact": ("last contact (YYYY-MM-DD)", "最近联系日期"),
    "street_template_note": (
        "One row a household; up to three residents (more on the register's page). Groups by "
        "their Chinese name or code; the building and the responsible member must be in the "
        "register. Delete the example row.",
        "每户一行；最多三名成员（更多成员请在台账页面添加）。特殊群体填中文名称或代码；楼栋和责任人"
        "须已在台账中。请删除示例行。",
    ),
    "key_scope_team": ("team {team}", "小分队 {team}"),
    "street_missing": ("no street '{street}' in the register", "台账中没有街道“{street}”"),
}
