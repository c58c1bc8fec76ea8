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
    # The grid register's pages (网格台账).
    "web_nav_street": ("Grid register", "网格台账"),
    "web_nav_street_import": ("Import households", "导入住户"),
    "web_street_grids": ("Grids, teams and buildings", "网格、小分队与楼栋"),
    "web_street_households": ("Households", "住户"),
    "web_street_group": ("Special group", "特殊群体"),
    "web_street_team": ("Team", "小分队"),
    "web_street_building": ("Building", "楼栋"),
    "web_street_unit": ("Unit", "单元门牌"),
    "web_street_residents": ("Residents", "成员"),
    "web_street_responsible": ("Responsible", "责任人"),
    "web_street_last_contact": ("Last contact", "最近联系"),
    "web_street_members": ("Members", "队员"),
    "web_street_leader": ("Leader", "队长"),
    "web_street_kind": ("Role", "身份"),
    "web_street_phone": ("Phone", "电话"),
    "web_street_mode": ("On", "出行方式"),
    "web_street_mode_foot": ("foot", "步行"),
    "web_street_mode_ebike": ("e-bike", "电动车"),
    "web_street_hours": ("Hours", "服务时间"),
    "web_street_floors": ("Floors", "层数"),
    "web_street_count": ("{n} households", "{n} 户"),
    "web_street_file": ("Household sheet (.xlsx or CSV)", "住户表格（.xlsx 或 CSV）"),
    "web_street_template": ("Download the household template", "下载住户表格模板"),
    "web_street_import_hint": (
        "One row a household; rows with errors are listed by row and column, and nothing is "
        "saved until every row is right.",
        "每户一行；有错误的行会按行、列列出，全部正确之前不会保存任何内容。",
    ),
    "web_street_kind_grid_leader": ("grid leader", "网格长"),
    "web_street_kind_party_member": ("party member", "党员"),
    "web_street_kind_residents_committee": ("residents' committee", "居委会"),
    "web_street_kind_partner_unit": ("partner unit", "共建单位"),
    "web_street_kind_grid_worker": ("grid worker", "网格员"),
    "web_street_kind_medical": ("medical staff", "医护人员"),
    "web_street_kind_property": ("property staff", "物业人员"),
    "web_street_kind_volunteer": ("volunteer", "志愿者"),
}
