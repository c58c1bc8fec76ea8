"""Sentences of the HTTP service, its store, jobs and keys, and of the error classes."""

CATALOGUE: dict[str, tuple[str, str]] = {
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
    "compare_missing": ("no comparison '{plan_id}'", "没有编号为“{plan_id}”的比较"),
    "round_missing": ("no round '{plan_id}'", "没有编号为“{plan_id}”的走访安排"),
    "week_missing": ("no visit plan '{plan_id}'", "没有编号为“{plan_id}”的走访计划"),
    "campaign_missing": ("no campaign '{plan_id}'", "没有编号为“{plan_id}”的集中活动"),
    "record_exists": (
        "'{value}' already exists; use PUT to change it",
        "“{value}”已存在，请用 PUT 修改",
    ),
    "key_compares_only": (
        "this key compares only for canteen '{scope}'",
        "该密钥只能为饭堂“{scope}”比较",
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
}
