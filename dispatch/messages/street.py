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
    "key_scope_team": ("team {team}", "小分队 {team}"),
    "street_missing": ("no street '{street}' in the register", "台账中没有街道“{street}”"),
}
