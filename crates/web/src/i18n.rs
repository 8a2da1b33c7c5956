//! The console's words in Simplified Chinese (default) and English.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::OnceLock;

pub const LANG_COOKIE: &str = "nx_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// `(key, 中文, English)`.
const WORDS: &[(&str, &str, &str)] = &[
    (
        "app",
        "暖新 · 新就业形态工会服务平台",
        "Nuanxin · union platform for new forms of employment",
    ),
    ("brand", "暖新", "Nuanxin"),
    ("nav.orgs", "组织体系", "Organisations"),
    ("nav.members", "会员名册", "Members"),
    ("nav.accounts", "账号管理", "Accounts"),
    ("nav.audit", "审计日志", "Audit trail"),
    ("nav.api", "接口文档", "API docs"),
    ("nav.logout", "退出登录", "Log out"),
    ("nav.password", "修改密码", "Change password"),
    ("password.title", "修改密码", "Change your password"),
    (
        "password.required",
        "此密码由他人设置（初始密码或重置后的密码）。请先设置只有您自己知道的新密码，再继续使用。",
        "This password was set by someone else (a first or reset password). Choose a new one that only you know before you go on.",
    ),
    ("password.current", "当前密码", "Current password"),
    ("password.new", "新密码", "New password"),
    ("password.confirm", "再次输入新密码", "New password again"),
    ("password.submit", "修改密码", "Change password"),
    ("nav.other_lang", "English", "中文"),
    ("login.title", "工作人员登录", "Staff login"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    (
        "login.bad",
        "用户名或密码错误",
        "Wrong username or password",
    ),
    (
        "login.locked",
        "登录失败次数过多，账号已锁定，请在 {} 分钟后重试",
        "Too many failed logins; try again in {} minutes",
    ),
    (
        "org.search",
        "搜索组织名称或信用代码",
        "Search by name or credit code",
    ),
    ("org.tree", "组织树", "Organisation tree"),
    ("org.children", "下级组织", "Child organisations"),
    ("org.none", "暂无下级组织", "No child organisations"),
    ("org.name", "组织名称", "Name"),
    ("org.kind", "组织类型", "Kind"),
    ("org.region", "行政区划", "Region"),
    ("org.region_code", "行政区划代码", "Region code"),
    ("org.industry", "行业", "Industry"),
    ("org.uscc", "统一社会信用代码", "Unified social credit code"),
    ("org.status", "状态", "Status"),
    ("org.founded_on", "建会日期", "Founded on"),
    ("org.subtree", "下辖组织", "Organisations in subtree"),
    ("org.preparing", "筹建中", "Preparing"),
    ("org.founded", "已建会", "Founded"),
    ("org.closed", "已撤销", "Closed"),
    ("org.checklist", "建会流程", "Founding checklist"),
    ("org.save", "保存", "Save"),
    ("org.create_child", "新建下级组织", "New child organisation"),
    ("org.create", "新建", "Create"),
    ("org.edit", "修改信息", "Edit"),
    ("org.move", "调整隶属关系", "Move"),
    (
        "org.move_to",
        "新的上级组织（名称或编号）",
        "New parent organisation (name or id)",
    ),
    ("org.status_change", "变更状态", "Change status"),
    ("org.mark_founded", "标记为已建会", "Mark as founded"),
    ("org.close", "撤销组织", "Close"),
    ("org.none_selected", "（无）", "(none)"),
    ("org.results", "搜索结果", "Search results"),
    ("org.id", "编号", "ID"),
    ("org.created", "已创建", "Created"),
    ("org.saved", "已保存", "Saved"),
    ("common.prev", "上一页", "Previous"),
    ("common.next", "下一页", "Next"),
    ("common.total", "共 {} 条", "{} in total"),
    ("common.filter", "筛选", "Filter"),
    ("common.export", "导出 Excel", "Export to Excel"),
    (
        "common.errors",
        "请修改以下问题后再提交：",
        "Please correct the following:",
    ),
    ("common.all", "全部", "All"),
    ("common.back", "返回", "Back"),
    ("common.list_sep", "、", ", "),
    (
        "routing.title",
        "入会分派规则",
        "Routing rules",
    ),
    // Keys ending in `_html` hold markup and are rendered unescaped (`|safe`).
    (
        "routing.intro_html",
        "劳动者扫描本组织或上级组织的入会二维码后，系统按以下顺序把申请分派到一个基层工会：先按<strong>工作单位</strong>（该单位自己的工会），再按<strong>平台合作商</strong>（平台在某一地区的合作商工会），再按<strong>职业群体</strong>，最后按<strong>地区兜底</strong>。同一阶段内，下级组织的规则先于上级组织，本组织的规则按下表顺序。规则只适用于在本组织所在地区工作的人。没有规则命中时，按默认：所在地的行业工会联合会，再是兜底工会。劳动者能看到分派结果和理由。",
        "When a worker scans the join QR code of this organisation or of one above it, the application is routed to one grassroots union in this order: first by <strong>employer</strong> (the employer's own union), then by <strong>platform partner</strong> (the union of a platform's partner companies in an area), then by <strong>occupation group</strong>, and last by <strong>area catch-all</strong>. Within a stage, the rules of lower organisations come before those of higher ones, and this organisation's rules apply in the order below. Rules apply only to people who work in this organisation's area. When no rule matches, the default is the local industry federation, then the catch-all union. Workers can see where they were routed and why.",
    ),
    (
        "routing.none",
        "本组织还没有分派规则。",
        "This organisation has no routing rules yet.",
    ),
    ("routing.id", "编号", "ID"),
    ("routing.stage", "阶段", "Stage"),
    ("routing.employer_keyword", "工作单位关键词", "Employer keyword"),
    ("routing.occupation", "职业群体", "Occupation group"),
    ("routing.region", "地区", "Area"),
    ("routing.target", "受理工会", "Receiving union"),
    (
        "routing.reason",
        "告知申请人的理由",
        "Reason shown to the applicant",
    ),
    (
        "routing.target_closed",
        "已撤销，规则不生效",
        "closed: the rule has no effect",
    ),
    (
        "routing.target_elsewhere",
        "已不在本组织之下，规则不生效",
        "no longer under this organisation: the rule has no effect",
    ),
    ("routing.move_up", "上移", "Move up"),
    ("routing.move_down", "下移", "Move down"),
    (
        "routing.delete_confirm",
        "删除后新的申请不再按这条规则分派。确定删除？",
        "New applications will no longer be routed by this rule. Delete it?",
    ),
    ("routing.delete", "删除", "Delete"),
    (
        "routing.grassroots_note",
        "本会直接受理扫描本会二维码的入会申请；分派规则由上级总工会设置。",
        "This union receives the applications made with its own QR code directly; routing rules are set by the federations above it.",
    ),
    (
        "routing.grassroots_rules_unused",
        "上面的规则添加于本会还可以设置规则之时，现在不会生效，可以删除。",
        "The rules above were added when this union could still keep rules; they are no longer used and may be deleted.",
    ),
    ("routing.add", "添加规则", "Add rule"),
    (
        "routing.add_help",
        "条件都不填，即本组织所在地区的全部申请都分派给该工会。只填工作单位关键词：该单位的工会；关键词加地区：平台在该地区的合作商工会；只填职业群体：该群体的行业工会。关键词比较时忽略空格、全半角和大小写，名称中含有关键词即命中。",
        "With no conditions, every application from this organisation's area goes to the union. An employer keyword alone: that employer's union; a keyword and an area: the union of the platform's partners in that area; an occupation group alone: that group's industry union. Keywords ignore spaces, full- and half-width forms and case; a name that contains the keyword matches.",
    ),
    (
        "routing.employer_label",
        "工作单位或平台关键词",
        "Employer or platform keyword",
    ),
    (
        "routing.employer_placeholder",
        "如：顺丰、美团",
        "e.g. SF Express, Meituan",
    ),
    ("routing.any", "（不限）", "(any)"),
    ("routing.region_code", "地区代码", "Area code"),
    (
        "routing.region_placeholder",
        "不填即本组织所在地区",
        "Leave empty for this organisation's area",
    ),
    (
        "routing.target_label",
        "受理工会（名称或编号）",
        "Receiving union (name or id)",
    ),
    (
        "routing.reason_placeholder",
        "不填则按阶段使用默认说明",
        "Leave empty to use the stage's default wording",
    ),
    ("routing.trial", "试一试", "Try it out"),
    (
        "routing.trial_help",
        "一份从本组织二维码提交的申请会分派到哪里？只是试算，不保存任何数据。",
        "Where would an application made with this organisation's QR code go? This is only a trial: nothing is saved.",
    ),
    ("routing.trial_employer", "工作单位或平台", "Employer or platform"),
    ("routing.trial_region", "工作地区代码", "Work area code"),
    ("routing.trial_submit", "试算分派", "Try routing"),
    ("routing.by_rule", "分派规则 #{}", "routing rule #{}"),
    // The rule's owner, then its id.
    ("routing.by_rule_of", "{}的分派规则 #{}", "{}, routing rule #{}"),
    ("routing.owner_above", "上级工会", "a federation above"),
    (
        "routing.by_scanned_union",
        "扫描的即为该工会的二维码",
        "the code scanned is this union's own",
    ),
    (
        "routing.by_industry_federation",
        "无规则命中，按默认：行业工会联合会",
        "no rule matched, so the default: the industry federation",
    ),
    (
        "routing.by_catch_all_union",
        "无规则命中，按默认：兜底工会",
        "no rule matched, so the default: the catch-all union",
    ),
    ("roster.title", "名单导入", "Roster import"),
    (
        "roster.heading",
        "集中入会名单导入",
        "Roster import for group enrolment",
    ),
    (
        "roster.intro",
        "上传平台企业或用工单位提供的名单（.xlsx 或 .csv，最多 100 万行）。每一行都会像扫码入会一样校验并分派到相应的基层工会；通过的人员直接成为会员并获得会员编号。同一人重复导入不会产生第二个会籍。",
        "Upload a roster from a platform company or an employer (.xlsx or .csv, up to 1 million rows). Each row is checked and routed to its grassroots union just like an application made with a QR code; people who pass become members at once and get a membership number. Importing the same person again never creates a second membership.",
    ),
    (
        "roster.download_template",
        "下载名单模板",
        "Download the roster template",
    ),
    ("roster.column_name", "列名", "Column"),
    ("roster.column_required", "是否必填", "Required"),
    ("roster.required", "必填", "Required"),
    (
        "roster.required_no_default",
        "必填（本工会不在区县一级，无法默认）",
        "Required (this union is not at district level, so there is no default)",
    ),
    ("roster.optional", "选填", "Optional"),
    ("roster.file", "名单文件", "Roster file"),
    ("roster.mode", "导入方式", "Import mode"),
    (
        "roster.mode_check_help",
        "只检查，不导入（先看看哪些行有问题）",
        "Check only, import nothing (see first which rows have problems)",
    ),
    (
        "roster.mode_valid_rows_help",
        "导入有效行，问题行列入报告",
        "Import the valid rows; list the problem rows in the report",
    ),
    (
        "roster.mode_all_or_nothing_help",
        "全部有效才导入，有任何问题行则一行都不导入",
        "Import only if every row is valid; with any problem row, import nothing",
    ),
    (
        "roster.consent",
        "我确认名单中的每个人都已阅读并同意《个人信息处理告知书》并自愿申请入会",
        "I confirm that everyone on the roster has read and agreed to the personal information notice and applies to join of their own free will",
    ),
    ("roster.submit", "上传并开始", "Upload and start"),
    ("roster.mode.check", "只检查，不导入", "Check only"),
    ("roster.mode.valid_rows", "导入有效行", "Import valid rows"),
    (
        "roster.mode.all_or_nothing",
        "全部有效才导入",
        "Import only if all are valid",
    ),
    ("roster.file_and_mode", "文件：{} · 方式：{}", "File: {} · Mode: {}"),
    (
        "roster.checking",
        "正在检查：已检查 {} 行……（本页每 2 秒自动刷新）",
        "Checking: {} rows checked… (this page refreshes every 2 seconds)",
    ),
    (
        "roster.enrolling",
        "正在导入：{} / {} 行……（本页每 2 秒自动刷新）",
        "Importing: {} of {} rows… (this page refreshes every 2 seconds)",
    ),
    (
        "roster.job_failed",
        "导入因系统故障中止。已提交的批次完整保留，重新导入同一文件不会产生重复会员。",
        "The import stopped because of a system fault. Batches already committed are kept in full; importing the same file again will not create duplicate members.",
    ),
    (
        "roster.refused",
        "文件未能导入，没有写入任何数据：",
        "The file could not be imported; nothing was written:",
    ),
    ("roster.rows", "数据行", "Data rows"),
    ("roster.valid_rows", "有效行", "Valid rows"),
    ("roster.problem_rows", "问题行", "Problem rows"),
    ("roster.enrolled", "新入会", "Newly enrolled"),
    (
        "roster.already_members",
        "已是会员（未重复入会）",
        "Already members (not enrolled again)",
    ),
    ("roster.imported", "已导入。", "Imported. "),
    ("roster.view_members", "查看会员", "View members"),
    (
        "roster.nothing_written_all_or_nothing",
        "没有写入任何数据：名单中有问题行，按“全部有效才导入”的方式一行都未导入。",
        "Nothing was written: the roster has problem rows, so under “import only if all are valid” no row was imported.",
    ),
    (
        "roster.nothing_written_check",
        "没有写入任何数据（只检查）。",
        "Nothing was written (check only).",
    ),
    (
        "roster.nothing_written_no_valid",
        "没有写入任何数据：没有有效行。",
        "Nothing was written: there are no valid rows.",
    ),
    (
        "roster.ignored_columns",
        "以下列未使用：{}",
        "These columns were not used: {}",
    ),
    (
        "roster.download_report",
        "下载问题行报告（.xlsx）",
        "Download the problem-row report (.xlsx)",
    ),
    ("roster.row", "行号", "Row"),
    ("roster.column", "列", "Column"),
    ("roster.problem", "问题", "Problem"),
    (
        "roster.more_errors",
        "页面只列出前 200 条，更多内容请下载报告。",
        "Only the first 200 are listed here; download the report for the rest.",
    ),
    (
        "roster.errors_truncated",
        "问题过多，报告只列出前 10000 条；请先修正这些行再重新检查。",
        "Too many problems: the report lists only the first 10,000. Fix these rows first, then check again.",
    ),
    ("roster.again", "再导入一份名单", "Import another roster"),
    ("apikey.title", "平台接口密钥", "Platform API keys"),
    (
        "apikey.intro_html",
        "平台企业用密钥调用 <code>POST /api/v1/platform/roster</code> 推送骑手、司机名单（每次最多 5000 人，须带 <code>Idempotency-Key</code> 请求头），校验和分派规则与名单导入相同。密钥只绑定本工会，可随时停用。",
        "Platform companies use a key to call <code>POST /api/v1/platform/roster</code> and push rosters of riders and drivers (up to 5,000 people per call, with an <code>Idempotency-Key</code> header); checks and routing rules are the same as for a roster import. A key is bound to this union only and can be revoked at any time. ",
    ),
    (
        "apikey.new_key",
        "新密钥（只显示这一次，请立即复制并安全转交平台）：",
        "New key (shown only this once: copy it now and pass it to the platform securely):",
    ),
    (
        "apikey.name_placeholder",
        "密钥名称，如：某外卖平台南京站",
        "Key name, e.g. Delivery platform, Nanjing",
    ),
    ("apikey.create", "创建密钥", "Create key"),
    ("apikey.name", "名称", "Name"),
    ("apikey.prefix", "密钥开头", "Key starts with"),
    ("apikey.created", "创建时间", "Created"),
    ("apikey.last_used", "最近使用", "Last used"),
    ("apikey.status", "状态", "Status"),
    ("apikey.revoked", "已停用", "Revoked"),
    ("apikey.active", "有效", "Active"),
    (
        "apikey.revoke_confirm",
        "停用后该平台立即无法推送名单。确定停用？",
        "The platform will no longer be able to push rosters. Revoke this key?",
    ),
    ("apikey.revoke", "停用", "Revoke"),
    ("event.ends_at_is", "结束时间 {}", "Ends {}"),
    (
        "event.per_minute_is",
        "每分钟最多 {} 份申请",
        "Up to {} applications a minute",
    ),
    ("event.open", "进行中", "Open"),
    ("event.ended", "已结束", "Ended"),
    (
        "event.download_svg",
        "下载二维码（SVG，可任意放大打印）",
        "Download the QR code (SVG, prints at any size)",
    ),
    (
        "event.download_png",
        "下载二维码（PNG，1200 像素以上）",
        "Download the QR code (PNG, 1200 pixels or more)",
    ),
    (
        "event.close_confirm",
        "结束后该二维码立即失效。确定结束？",
        "The QR code will stop working at once. End the event?",
    ),
    ("event.close", "立即结束活动", "End the event now"),
    (
        "event.ended_note",
        "活动已结束，二维码不再受理入会申请。",
        "The event has ended; its QR code no longer accepts applications.",
    ),
    ("event.back", "返回入会二维码", "Back to the join QR code"),
    ("event.new", "新建入会活动", "New enrolment event"),
    ("joinqr.title", "入会二维码", "Join QR code"),
    ("roll.file", "会员名册", "members"),
    ("join.fix_these", "请修改以下 {} 处：", "Please correct {} fields:"),
    ("join.consent_short", "同意告知书", "Consent"),
    (
        "join.name_mismatch",
        "该身份证号已登记，但姓名与登记的不一致。请核对姓名是否与身份证一致，或联系所在工会。",
        "This ID number is on file under another name. Check that the name is as on the ID card, or contact your union.",
    ),
    (
        "join.one_district",
        "此二维码受理在本区县工作的职工。在其他区县工作的，请扫描所在区县或市总工会的入会二维码。",
        "This code is for people who work in this district. If you work elsewhere, scan the join code of that district's or the city's union.",
    ),
    ("apidocs.back", "← 返回控制台", "← Back to the console"),
    (
        "apidocs.intro",
        "机器可读的描述见 /api/openapi.json（OpenAPI 3.1）。登录：POST /api/v1/session，之后在请求头中使用 Authorization: Bearer <token>；使用 Cookie 时，写操作需带 X-CSRF-Token。错误以 application/problem+json 返回，含稳定的 code 与中英文说明。",
        "The machine-readable description is at /api/openapi.json (OpenAPI 3.1). Log in with POST /api/v1/session, then send Authorization: Bearer <token>; with the session cookie, writes also need X-CSRF-Token. Errors are application/problem+json with a stable code and messages in Chinese and English.",
    ),
    ("apidocs.method", "方法", "Method"),
    ("apidocs.path", "路径", "Path"),
    ("apidocs.summary", "说明", "Summary"),
    ("apidocs.responses", "可能的响应", "Responses"),
    ("roster.report_file", "未通过的名单行", "failed-rows"),
    ("audit.file", "审计日志", "audit"),
    ("member.joined_on", "入会日期", "Joined on"),
    (
        "qr.private_warning",
        "注意：此二维码指向内网或本机地址，职工的手机无法打开。请在配置中设置对外访问地址（public_base_url），或通过对外域名打开控制台后再下载。",
        "Warning: this QR code points to an intranet or local address that workers' phones cannot reach. Set the public address (public_base_url) in the configuration, or open the console through its public address before downloading.",
    ),
    (
        "qr.private_confirm",
        "此二维码指向内网或本机地址，职工手机无法打开。仍要下载吗？",
        "This QR code points to an address workers' phones cannot reach. Download it anyway?",
    ),
    (
        "joinqr.help",
        "职工用手机（含微信）扫码即可在线申请入会。",
        "Workers scan it with their phone (WeChat works) to apply online. ",
    ),
    (
        "joinqr.federation_help",
        "这是上级工会的二维码：申请会按职业和工作地点自动分派到下属的基层工会。",
        "This is a federation's code: applications are routed by occupation and place of work to a grassroots union below it.",
    ),
    (
        "joinqr.renew_confirm",
        "更换后，已印制的旧二维码将失效。确定更换？",
        "Printed copies of the old QR code will stop working. Replace it?",
    ),
    ("joinqr.renew", "更换二维码", "Replace the QR code"),
    ("joinqr.events", "入会活动", "Enrolment events"),
    (
        "joinqr.events_help",
        "集中入会仪式、园区入会行动等可使用专门的活动二维码：到结束时间自动失效，同一场地的人可同时提交。",
        "Group enrolment ceremonies and campaigns can use an event's own QR code: it stops working at the end time, and everyone at the venue can apply at once.",
    ),
    ("joinqr.event", "活动", "Event"),
    ("joinqr.per_minute", "每分钟上限", "Per minute"),
    ("joinqr.status", "状态", "Status"),
    (
        "org.overdue",
        "下辖工会有 {} 份入会申请已超过审核时限，请督促办理。",
        "{} applications in unions below have waited past their review time limit; follow them up.",
    ),
    (
        "event.new_help",
        "入会活动有自己的二维码，到结束时间自动失效。同一场地的所有人都能同时提交；为防止二维码外流被滥用，每分钟通过该二维码的提交数有上限。",
        "An enrolment event has its own QR code, which stops working at the end time. Everyone at the venue can apply at the same time; so that a leaked code cannot be misused, the number of applications per minute through it is capped.",
    ),
    ("event.name", "活动名称", "Event name"),
    (
        "event.name_placeholder",
        "如：物流园区新就业形态劳动者集中入会仪式",
        "e.g. Group enrolment for gig workers at the logistics park",
    ),
    ("event.ends_at", "结束时间", "Ends at"),
    ("event.per_minute", "每分钟提交上限", "Applications per minute (limit)"),
    ("event.create", "创建并生成二维码", "Create and make the QR code"),
    ("member.title", "会员", "Members"),
    ("member.heading", "会员与入会申请", "Members and applications"),
    (
        "member.search_placeholder",
        "姓名或会员编号",
        "Name or membership number",
    ),
    ("member.all_statuses", "全部状态", "All statuses"),
    ("member.name", "姓名", "Name"),
    ("member.id_number", "身份证号", "ID number"),
    ("member.phone", "手机", "Mobile"),
    ("member.occupation", "职业群体", "Occupation group"),
    ("member.employer", "工作单位", "Employer"),
    ("member.member_no", "会员编号", "Membership number"),
    ("member.status", "状态", "Status"),
    ("member.route_reason", "分派理由", "Routing reason"),
    ("member.applied_at", "申请时间", "Applied at"),
    ("member.select", "选择 {}", "Select {}"),
    ("member.approve", "批准所选申请", "Approve selected"),
    (
        "member.reject_reason_placeholder",
        "不予通过的理由（会告知申请人）",
        "Reason for rejection (shown to the applicant)",
    ),
    ("member.reject", "不予通过", "Reject"),
    (
        "member.reroute_placeholder",
        "改派到的基层工会名称或编号",
        "Grassroots union to re-route to (name or id)",
    ),
    (
        "member.reroute",
        "改派所选申请（理由填在上方，会告知申请人）",
        "Re-route selected (enter the reason above; it is shown to the applicant)",
    ),
    ("member.transfers", "会籍转接", "Membership transfers"),
    ("member.transfer_member", "会员", "Member"),
    ("member.transfer_from", "转出工会", "From union"),
    ("member.transfer_to", "转入工会", "To union"),
    ("member.transfer_requested_by", "申请人", "Requested by"),
    ("member.transfer_accept", "接收", "Accept"),
    (
        "member.transfer_refuse_reason_placeholder",
        "不予接收的理由",
        "Reason for refusing",
    ),
    ("member.transfer_refuse", "不予接收", "Refuse"),
    ("member.transfer_pending", "待接收", "Pending"),
    ("member.transfer_accepted", "已接收", "Accepted"),
    ("member.transfer_refused", "未接收", "Refused"),
    ("member.settings", "入会办理设置", "Enrolment settings"),
    (
        "member.auto_approve",
        "自动批准入会申请（职工提交后立即获得会员卡）",
        "Approve applications automatically (workers get their membership card as soon as they apply)",
    ),
    (
        "member.review_days",
        "审核时限（天，超过后提示上级工会）",
        "Review time limit (days; the union above is alerted once it passes)",
    ),
    ("roll.title", "会员名册", "Member roll"),
    ("roll.search", "姓名或会员编号", "Name or membership number"),
    ("roll.id_number_exact", "身份证号（精确）", "ID number (exact)"),
    ("roll.phone_exact", "手机号（精确）", "Mobile number (exact)"),
    ("roll.union", "所在工会", "Union"),
    (
        "roll.reveal_confirm",
        "查看完整证件号和手机号将被记录在审计日志中。继续？",
        "Viewing the full ID number and mobile number is recorded in the audit trail. Continue?",
    ),
    ("roll.reveal", "查看完整信息", "View full details"),
    ("reveal.title", "完整信息", "Full details"),
    (
        "reveal.warning",
        "此次查看已记录在审计日志中。请勿截屏、转发或另行保存。",
        "This view has been recorded in the audit trail. Do not take screenshots, forward or keep a copy.",
    ),
    ("reveal.phone", "手机号", "Mobile number"),
    ("reveal.back", "返回会员名册", "Back to the member roll"),
    ("account.username", "用户名", "Username"),
    ("account.display_name", "姓名", "Name"),
    ("account.role", "角色", "Role"),
    ("account.org", "所属组织", "Organisation"),
    ("account.org_id", "所属组织（名称或编号）", "Organisation (name or id)"),
    ("account.org_placeholder", "如：玄武区总工会，或其编号", "e.g. its name, or its id"),
    ("account.status", "状态", "Status"),
    ("account.active", "正常", "Active"),
    ("account.disabled", "已停用", "Disabled"),
    ("account.last_login", "最近登录", "Last login"),
    ("account.new", "新建账号", "New account"),
    ("account.password", "初始密码", "Initial password"),
    ("account.new_password", "新密码", "New password"),
    ("account.reset_password", "重置密码", "Reset password"),
    ("account.disable", "停用", "Disable"),
    ("account.enable", "启用", "Enable"),
    ("account.edit", "修改账号", "Edit account"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.action", "操作", "Action"),
    ("audit.entity", "对象", "Record"),
    ("audit.ip", "来源 IP", "Client IP"),
    ("audit.change", "变更内容", "Change"),
    ("audit.from", "起始日期", "From"),
    ("audit.to", "截止日期", "To"),
    (
        "error.not_found",
        "页面不存在，或不在您的管理范围内",
        "Page not found, or outside your scope",
    ),
    // The worker's pages.
    (
        "worker.bar",
        "暖新 · 职工入会",
        "Nuanxin · Join the union",
    ),
    ("worker.failed_title", "没有办成", "Not done"),
    (
        "worker.failed",
        "这个请求没有办成。请返回上一页重试，或重新扫描工会的二维码。",
        "This could not be done. Go back and try again, or scan the union's QR code again.",
    ),
    (
        "worker.fault",
        "系统暂时出了问题，不是您填写的原因。请过几分钟再试；如果一直这样，请联系工会。",
        "Something went wrong on our side, not with what you entered. Try again in a few minutes; if it keeps happening, contact the union.",
    ),
    (
        "join.title",
        "申请加入{}",
        "Apply to join {}",
    ),
    (
        "join.heading",
        "申请加入工会",
        "Apply to join the union",
    ),
    (
        "join.event",
        "入会活动：{}",
        "Enrolment event: {}",
    ),
    (
        "join.name",
        "姓名",
        "Name",
    ),
    (
        "join.id_number",
        "居民身份证号",
        "Resident ID number",
    ),
    (
        "join.phone",
        "手机号码",
        "Mobile phone number",
    ),
    (
        "join.occupation",
        "职业群体",
        "Occupation group",
    ),
    (
        "join.choose",
        "请选择",
        "Choose",
    ),
    (
        "join.employer",
        "工作单位或平台（选填）",
        "Employer or platform (optional)",
    ),
    (
        "join.work_region",
        "工作所在区县",
        "District where you work",
    ),
    (
        "join.notice_title",
        "《个人信息处理告知书》",
        "Personal-information notice",
    ),
    (
        "join.notice",
        "工会收集您的姓名、身份证号、手机号码、职业和工作单位，仅用于办理入会、会籍管理和为您提供服务。身份证号和手机号加密保存，工作人员只能看到部分隐藏的号码；查看完整号码须经授权并留有记录。您可以随时申请查询、更正或删除您的信息。",
        "The union collects your name, ID number, mobile number, occupation and employer only to enrol you, keep your membership and serve you. Your ID and mobile numbers are stored encrypted; staff see them partly hidden, and seeing a whole number needs permission and is recorded. You may ask at any time to see, correct or delete your information.",
    ),
    (
        "join.consent",
        "我已阅读并同意《个人信息处理告知书》",
        "I have read and accept the personal-information notice",
    ),
    (
        "join.submit",
        "提交入会申请",
        "Submit application",
    ),
    (
        "join.unreadable",
        "表单内容无法读取，请重新填写",
        "The form could not be read; please fill it in again",
    ),
    (
        "join.expired",
        "页面已过期，请核对后重新提交",
        "The page has expired; check the form and submit it again",
    ),
    (
        "join.busy",
        "此刻提交的人较多，请稍等一分钟再点提交，已填写的内容不会丢失",
        "Many people are submitting right now; wait a minute and submit again. What you entered is kept.",
    ),
    (
        "join.gone_title",
        "二维码无效",
        "Invalid QR code",
    ),
    (
        "join.gone",
        "这个入会二维码无效或已停用，请向工会索取新的二维码。",
        "This join QR code is invalid or no longer in use; ask the union for a new one.",
    ),
    (
        "join.event_over",
        "活动已结束",
        "The event has ended",
    ),
    (
        "status.title",
        "我的入会申请",
        "My application",
    ),
    (
        "status.not_found_title",
        "链接无效",
        "Invalid link",
    ),
    (
        "status.not_found",
        "没有找到这份入会申请，请核对链接。",
        "No application was found at this link; check it.",
    ),
    (
        "status.transfer_offer",
        "您已是{}的会员，无需重复入会。您扫描的是{}的入会二维码：如果您已到该单位或地区工作，可以申请把会籍转过去，会员编号不变。",
        "You are already a member of {}, so you need not join again. You scanned the join code of {}: if you now work there, you can ask to move your membership there, and your membership number stays the same.",
    ),
    (
        "status.transfer_button",
        "申请转入{}",
        "Ask to move to {}",
    ),
    (
        "status.rejected",
        "未通过的理由：{}",
        "Reason for rejection: {}",
    ),
    (
        "status.applied_hint",
        "申请时间：{}。请收藏本页面，随时查看办理进度。",
        "Applied at {}. Bookmark this page to follow your application.",
    ),
    (
        "card.title",
        "工会会员电子卡",
        "Union membership e-card",
    ),
    (
        "card.name",
        "姓名",
        "Name",
    ),
    (
        "card.id_number",
        "身份证号",
        "ID number",
    ),
    (
        "card.member_no",
        "会员编号",
        "Membership number",
    ),
    (
        "card.union",
        "所在工会",
        "Union",
    ),
    (
        "card.joined",
        "入会日期",
        "Joined on",
    ),
    (
        "card.hint",
        "扫描二维码可核验会籍真伪，只显示脱敏的姓名和会员编号",
        "Scan the QR code to check the membership; it shows only the masked name and number",
    ),
    (
        "status.card_hint",
        "您已是工会会员。请收藏本页面，需要时出示电子会员卡。",
        "You are a union member. Bookmark this page to show your e-card when asked.",
    ),
    (
        "verify.compare",
        "请与持卡人的身份证核对姓名和会员编号。",
        "Compare the name and number with the holder's ID card.",
    ),
    (
        "transfer.expired_title",
        "页面已过期",
        "The page has expired",
    ),
    (
        "transfer.expired",
        "请返回入会进度页面，重新提交转会申请。",
        "Go back to your application page and ask for the transfer again.",
    ),
    (
        "transfer.refused_title",
        "无法申请转会",
        "The transfer cannot be requested",
    ),
    (
        "transfer.only_active",
        "只有有效会员可以申请转入另一个基层工会。",
        "Only an active member can ask to move to another union.",
    ),
    (
        "verify.title",
        "会籍核验",
        "Membership check",
    ),
    (
        "verify.valid",
        "会籍有效",
        "Valid membership",
    ),
    (
        "verify.union",
        "所在工会：{}",
        "Union: {}",
    ),
    (
        "verify.lapsed",
        "该会员卡已失效",
        "This membership card is no longer valid",
    ),
    (
        "verify.unknown",
        "查无此会员卡",
        "No such membership card",
    ),

    // The reviewer's home page.
    ("home.title", "工作台", "Today"),
    ("home.pending", "份待审核申请", "applications waiting"),
    ("home.overdue", "份已超过审核时限", "past their review limit"),
    ("home.requests", "项会员请求待办", "member requests open"),
    ("home.transfers", "笔转入待接收", "transfers to accept"),
    ("home.to_orgs", "组织体系", "Organisations"),
    ("home.to_roll", "会员名册", "Member roll"),
    ("home.queue", "待审核的入会申请（超期的在前）", "Applications waiting (overdue first)"),
    ("home.queue_empty", "管辖范围内没有待审核的申请。", "No applications are waiting in your scope."),
    (
        "home.queue_help",
        "这里是您管辖范围内所有工会的申请。勾选后一次批准、不予通过或改派；表头的方框选中本页全部。",
        "These are the applications of every union in your scope. Tick them and approve, reject or re-route them at once; the box in the header ticks the whole page.",
    ),
    ("home.select_all", "选中本页全部申请", "Select every application on this page"),
    ("home.due", "审核时限", "Limit"),
    ("home.answer_due", "答复时限", "Answer by"),
    ("home.confirm_approve", "确定批准所选的 {} 份申请？", "Approve the {} selected applications?"),
    ("home.confirm_reject", "确定不予通过所选的 {} 份申请？申请人会看到您填写的理由。", "Reject the {} selected applications? The applicants will read your reason."),
    ("home.confirm_reroute", "确定把所选的 {} 份申请改派到所填的工会？", "Re-route the {} selected applications to the union entered?"),
    ("home.requests_title", "会员请求（更换手机号、更正、退会、删除信息）", "Member requests (new phone, correction, leaving, deletion)"),
    ("home.requests_empty", "没有待办的会员请求。", "No member requests are open."),
    ("review.done_approve", "已批准 {} 份申请：{}。", "Approved {} applications: {}."),
    ("review.done_reject", "已不予通过 {} 份申请：{}。", "Rejected {} applications: {}."),
    ("review.done_reroute", "已改派 {} 份申请：{}。", "Re-routed {} applications: {}."),
    ("review.skipped", "{} 份未处理：{}", "{} not decided: {}"),
    ("review.overdue_days", "已超期 {} 天", "{} days overdue"),
    ("review.days_left", "剩 {} 天", "{} days left"),
    // One member's page.
    ("member_page.title", "会员详情", "Member"),
    ("member_page.applied", "提交申请", "Applied"),
    ("member_page.work_region", "工作地区", "Works in"),
    ("member_page.decided_at", "审核时间", "Decided at"),
    ("member_page.requests", "会员请求", "Requests"),
    ("member_page.history", "办理记录", "History"),
    ("member_page.at", "时间", "When"),
    ("member_page.change", "变化", "Change"),
    ("member_page.by", "办理人", "By"),
    ("member_page.reason", "理由", "Reason"),
    ("member_page.actions", "会籍办理", "Membership"),
    ("member_page.transfer", "办理转会", "Transfer"),
    ("member_page.transfer_to", "转入的基层工会", "To union"),
    ("member_page.transfer_submit", "发起转会", "Start the transfer"),
    ("member_page.leave", "办理退会", "End the membership"),
    ("member_page.leave_reason", "退会原因", "Reason"),
    ("member_page.leave_confirm", "确定为该会员办理退会？", "End this membership?"),
    ("member_page.leave_submit", "办理退会", "End the membership"),
    ("member_page.correct", "更正信息", "Correct data"),
    (
        "member_page.correct_help",
        "只填写需要更正的项目，其余留空即保持不变。每次更正都会写入办理记录和审计日志。",
        "Fill in only what is to be corrected; empty fields stay as they are. Every correction goes into the history and the audit trail.",
    ),
    ("member_page.unchanged", "不变", "Unchanged"),
    ("member_page.work_region_code", "工作地区代码", "Work region code"),
    ("member_page.correct_reason", "更正原因（如：本人申请、证件核对）", "Reason (e.g. the member asked, checked against the ID card)"),
    ("member_page.correct_submit", "保存更正", "Save the correction"),
    ("member.reject_reason", "不予通过的理由", "Reason for rejection"),
    // Member requests, both sides.
    ("request.title", "我的请求", "My requests"),
    ("request.kind", "事项", "Request"),
    ("request.detail", "说明", "Details"),
    ("request.detail_label", "说明（更正时请写明哪项应改为什么）", "Details (for a correction: what should read what)"),
    ("request.new_phone", "新手机号（仅更换手机号时填写）", "New mobile number (only for a change of phone)"),
    ("request.new_phone_is", "新手机号 {}", "new phone {}"),
    ("request.requested_at", "提出时间", "Asked"),
    ("request.answer_placeholder", "答复（不予办理时必填）", "Answer (required when refusing)"),
    ("request.confirm_phone", "确定把该会员的手机号改为申请中的新号码？", "Put the new phone on record?"),
    ("request.confirm_correct", "请确认已用“更正信息”改好了数据。标记为已办结？", "Make sure the data were corrected with “Correct data”. Mark as done?"),
    ("request.confirm_leave", "确定按本人申请办理退会？", "End the membership as the member asked?"),
    ("request.confirm_erase", "确定删除该会员的姓名、身份证号、手机号和工作单位？删除后无法恢复。", "Delete this member's name, ID number, phone and employer? This cannot be undone."),
    ("request.done", "办结", "Done"),
    ("request.refuse", "不予办理", "Refuse"),
    ("request.refused_title", "未能提交", "Not sent"),
    ("request.filed", "已提交，工会将在时限内办理并在此答复。", "Sent: your union will answer here within the time limit."),
    ("request.due_by", "工会应于 {} 前答复", "your union answers by {}"),
    ("request.answer_is", "答复：{}", "Answer: {}"),
    ("request.open_form", "更换手机号、更正信息、退会或删除个人信息", "Change phone, correct data, leave, or delete your data"),
    ("request.how", "请求会交给您所在的工会办理，{} 天内答复。", "Your request goes to your union, which answers within {} days."),
    ("request.submit", "提交请求", "Send"),
    // A worker finding their card again.
    ("card.lookup_link", "已入会？查看我的会员卡", "Already a member? Find my card"),
    ("card.lookup_title", "查看我的会员卡", "Find my membership card"),
    ("card.lookup_help", "请填写入会时登记的姓名、身份证号和手机号，三项都一致才会打开您的会员页面。", "Enter the name, ID number and mobile number you registered with; your page opens only when all three match."),
    ("card.lookup_submit", "查看", "Find"),
    ("card.not_found", "没有找到与所填信息一致的会员记录。如手机号已更换，请联系您所在的工会。", "No record matches what you entered. If you changed your phone, contact your union."),
    ("card.busy", "查询的人太多，请一分钟后再试", "Too many lookups right now; try again in a minute"),
    ("card.too_many", "该身份证号的查询次数过多，请一小时后再试，或联系您所在的工会", "Too many lookups for this ID number; try again in an hour or contact your union"),
    ("join.already_at", "该身份证号已在“{}”登记会籍或正在办理入会，但所填手机号与登记的不一致。请用登记时的手机号查看会员卡，或联系该工会更换手机号。", "This ID number already holds a membership or an application at “{}”, with another mobile number. Use the number you registered to see your card, or ask that union to change it."),
    ("contact.phone", "联系电话", "Phone"),
    ("contact.address", "地址", "Address"),
    ("contact.phone_is", "联系电话 {}", "phone {}"),
    ("contact.address_is", "地址 {}", "address {}"),
    ("contact.none", "该工会尚未登记联系方式，可联系上级工会。", "This union has not given its contact details yet; contact the federation above it."),
    ("status.erased", "您的个人信息已按您的申请删除。", "Your personal data were deleted as you asked."),
    ("status.rejoin", "重新申请入会", "Apply again"),
    ("event.starts_at", "开始时间", "Starts at"),
    ("event.starts_at_is", "开始时间 {}", "Starts {}"),
    ("event.place", "活动地点", "Place"),
    ("event.place_is", "地点 {}", "at {}"),
    ("event.place_placeholder", "如：某某区骑手驿站", "e.g. the riders' station on Zhongshan Road"),
    ("event.applications", "份申请经活动二维码提交", "applications came through the event's code"),
    ("event.to_queue", "查看待审核申请", "See the applications waiting"),
    ("joinqr.applications", "已收到申请", "Applications"),
    ("member.rejected_because", "未通过：{}", "Rejected: {}"),
    ("route.scanned_union", "扫描本工会二维码", "Scanned this union's code"),
    ("route.industry_federation", "按职业分派至行业工会", "By occupation, to the industry union"),
    ("route.catch_all_union", "分派至兜底工会", "To the catch-all union"),
    ("route.reviewer", "审核人员改派", "Re-routed by a reviewer"),
    ("route.rule", "分派规则 #{}", "Routing rule #{}"),
    ("member_page.told_worker", "告知职工", "Told the worker"),
    ("org.contact", "联系方式", "Contact details"),
    ("org.contact_help", "显示在职工的入会进度页和会员卡页上，职工据此联系本工会。", "Shown on the workers' status and card pages, so they can reach this union."),
    ("join.union_code", "通过该工会的入会二维码申请", "Apply through the union's own code"),
    ("member_page.by_worker", "本人", "The worker"),
    ("member_page.by_system", "系统", "The system"),
    ("member_page.transfer_placeholder", "转入的基层工会名称或编号", "The receiving union's name or id"),
    ("status.route_scanned", "已提交至 {}：您扫描的是该工会的入会二维码", "Sent to {}: you scanned this union's code"),
    ("status.route_industry", "已分派至 {}：您所在地区的行业工会联合会受理", "Sent to {}: the industry federation for your occupation in your area takes it"),
    ("status.route_catch_all", "已分派至 {}：您工作所在地的兜底工会负责受理", "Sent to {}: the catch-all union where you work takes it"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| WORDS.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect())
}

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn s(&self, key: &str) -> &'static str {
        match table().get(key) {
            Some((zh, en)) => {
                if self.lang == Lang::En {
                    en
                } else {
                    zh
                }
            }
            None => {
                debug_assert!(false, "missing translation {key}");
                "?"
            }
        }
    }

    /// A word with `{}` replaced by `arg`.
    pub fn f(&self, key: &str, arg: impl std::fmt::Display) -> String {
        self.s(key).replacen("{}", &arg.to_string(), 1)
    }

    /// A word with its two `{}` replaced by `a` and `b`, in that order.
    pub fn f2(&self, key: &str, a: impl std::fmt::Display, b: impl std::fmt::Display) -> String {
        let s = self.s(key);
        match s.split_once("{}") {
            Some((head, tail)) => {
                format!("{head}{a}{}", tail.replacen("{}", &b.to_string(), 1))
            }
            None => s.to_string(),
        }
    }

    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn html_lang(&self) -> &'static str {
        if self.en() {
            "en"
        } else {
            "zh-CN"
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let lang = match crate::http::cookie(&parts.headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        Ok(Tr { lang })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        assert_eq!(table().len(), WORDS.len());
    }

    #[test]
    fn two_placeholders() {
        let t = Tr { lang: Lang::Zh };
        assert_eq!(
            t.f2("roster.enrolling", 3, 10),
            "正在导入：3 / 10 行……（本页每 2 秒自动刷新）"
        );
        let t = Tr { lang: Lang::En };
        assert_eq!(
            t.f2("roster.file_and_mode", "{}.csv", "x"),
            "File: {}.csv · Mode: x"
        );
    }

    /// Every word of the table is used somewhere, as its key written out
    /// whole: a word nobody shows is a word nobody keeps up to date.
    #[test]
    fn every_word_is_used() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut corpus = String::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // The table itself names every key; only its tests count.
                if path.ends_with("src/i18n.rs") {
                    corpus.push_str(&text[text.find("#[cfg(test)]").unwrap()..]);
                } else {
                    corpus.push_str(&text);
                }
            }
        }
        let unused: Vec<&str> = WORDS
            .iter()
            .map(|(k, _, _)| *k)
            .filter(|k| !corpus.contains(&format!("\"{k}\"")))
            .collect();
        assert!(unused.is_empty(), "words nobody uses: {unused:?}");
    }

    /// Every key named in a template or a page module is in the table: a
    /// missing one would only show up at run time.
    #[test]
    fn used_keys_exist() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = vec![];
        let mut seen = 0;
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for call in ["t.s(\"", "t.f(\"", "t.f2(\""] {
                    for (i, _) in text.match_indices(call) {
                        let rest = &text[i + call.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        seen += 1;
                        if !table().contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 100, "only {seen} uses found");
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }
}
