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

apidocs-back = ← 返回控制台
apidocs-intro = 机器可读的描述见 /api/openapi.json（OpenAPI 3.1）。登录：POST /api/v1/session，之后在请求头中使用 Authorization: Bearer <token>；使用 Cookie 时，写操作需带 X-CSRF-Token。错误以 application/problem+json 返回，含稳定的 code 与中英文说明。
apidocs-method = 方法
apidocs-path = 路径
apidocs-summary = 说明
apidocs-responses = 可能的响应

qr-private_warning = 注意：此二维码指向内网或本机地址，职工的手机无法打开。请在配置中设置对外访问地址（public_base_url），或通过对外域名打开控制台后再下载。
qr-private_confirm = 此二维码指向内网或本机地址，职工手机无法打开。仍要下载吗？

error-not_found = 页面不存在，或不在您的管理范围内
