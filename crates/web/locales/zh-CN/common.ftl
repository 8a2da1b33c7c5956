app = 暖新 · 新就业形态工会服务平台

brand = 暖新

nav-orgs = 组织体系
nav-members = 会员名册
nav-accounts = 账号管理
nav-audit = 审计日志
nav-api = 接口文档
nav-logout = 退出登录
nav-password = 修改密码
nav-other_lang = English

common-prev = 上一页
common-next = 下一页
common-total = 共 { $count } 条
common-filter = 筛选
common-export = 导出 Excel
common-errors = 请修改以下问题后再提交：
common-all = 全部
common-back = 返回
common-list_sep = 、
common-label_sep = ：
common-item_sep = ；

apidocs-back = ← 返回控制台
apidocs-intro = 机器可读的描述见 /api/openapi.json（OpenAPI 3.1）。登录：POST /api/v1/session，之后在请求头中使用 Authorization: Bearer <token>；使用 Cookie 时，写操作需带 X-CSRF-Token。错误以 application/problem+json 返回，含稳定的 code 与中英文说明。
apidocs-method = 方法
apidocs-path = 路径
apidocs-summary = 说明
apidocs-responses = 可能的响应

qr-private_warning = 注意：此二维码指向内网或本机地址，职工的手机无法打开。请在配置中设置对外访问地址（public_base_url），或通过对外域名打开控制台后再下载。
qr-private_confirm = 此二维码指向内网或本机地址，职工手机无法打开。仍要下载吗？

common-not_found = 页面不存在，或不在您的管理范围内

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-text-control_char = { $label }含有不可见的控制字符
error-text-empty = { $label }不能为空
error-text-too_long = { $label }最多 { $max } 个字（现有 { $n } 个）
error-org_pick-empty = 请填写{ $label }的名称或编号
error-org_pick-many = 有多个组织名称包含“{ $raw }”，请填写其中一个的编号：{ $candidates }
error-org_pick-none = 您的管辖范围内没有名称包含“{ $raw }”的组织
error-org_pick-none_receiving = 您的管辖范围内没有名称包含“{ $raw }”、可以受理入会的工会
error-search-too_long = 搜索内容最多 { $max_search_chars } 个字
problem-bad_credentials = 用户名或密码错误
problem-bad_request = 提交的内容无法读取，请检查后重试
problem-body_too_large = 提交的内容超过大小上限，请缩小或拆分后重试
problem-conflict = 提交的内容与现有记录冲突
problem-content_type = 请求体必须是 JSON（Content-Type: application/json）
problem-csrf = 页面已过期或请求来源无效，请刷新后重试
problem-forbidden = 您没有执行此操作的权限
problem-form = 表单格式不正确：{ $detail }
problem-idempotency_key = 请在 Idempotency-Key 请求头中提供本次推送的唯一标识（1 至 100 个字符）
problem-internal = 服务器内部错误，请稍后重试；如持续出现，请把响应头中的 x-request-id 告诉管理员
problem-invalid_body = 请求体无法读取，或字段缺失、类型不正确：{ $detail }
problem-invalid_path = 地址中的参数不正确：{ $detail }
problem-invalid_query = 查询参数不正确：{ $detail }
problem-locked = 登录失败次数过多，请在 { $minutes_left } 分钟后重试
problem-malformed_json = 请求体不是合法的 JSON：{ $detail }
problem-members = 每次推送 1 至 { $max_members } 人
problem-membership-decision = decision 应为 approve、reject 或 reroute
problem-membership-reroute_target = 改派需要 to_org_id
problem-method_not_allowed = 该地址不支持这种请求方式
problem-mode = mode 应为 all_or_nothing、valid_rows 或 check
problem-not_found = 未找到，或不在您的管理范围内
problem-password-change_required = 请先修改密码：此密码由他人设置（POST /api/v1/session/password）
problem-platform_key-invalid = 缺少平台接口密钥，或密钥无效、已吊销
problem-rate_limited = 请求过于频繁，请稍后重试
problem-search-rate_limited = 按身份证号或手机号精确查询过于频繁：每分钟最多 { $limit } 次，请一分钟后再试
problem-timeout = 处理超时，请稍后重试
problem-unauthorized = 请先登录
problem-validation = 提交的内容有误，请修改后重试
