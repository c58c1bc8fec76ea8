"""Sentences of client sheets, the import, the template and the day's workbooks."""

CATALOGUE: dict[str, tuple[str, str]] = {
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
    "column_days": ("weekdays (mon;wed;fri)", "送餐日（mon;wed;fri）"),
    "column_usual_courier": ("usual courier", "常用配送员"),
    "column_priority": ("priority (1 = first)", "优先级（1 最优先）"),
    "column_preferred_time": ("preferred time", "希望送达时间"),
    "column_age": ("age", "年龄"),
    "column_social_worker": ("social worker (id)", "驻点社工（编号）"),
    "column_emergency_name": ("emergency contact", "紧急联系人"),
    "column_emergency_relation": ("relation", "与客户关系"),
    "column_emergency_phone": ("emergency contact's phone", "紧急联系人电话"),
}
