//! The audit trail in words an inspector reads: actions, record kinds and
//! changed fields in the reader's language, values as a person writes
//! them. Codes stay in the database and the API; this is how pages and
//! exports show them.

use serde_json::Value;

/// `(code, 中文, English)` of every action the store records.
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("login.ok", "登录", "Logged in"),
    ("login.fail", "登录失败", "Failed login"),
    ("org.create", "新建组织", "Created an organisation"),
    ("org.update", "修改组织信息", "Edited an organisation"),
    ("org.move", "调整上级组织", "Moved an organisation"),
    (
        "org.status",
        "变更组织状态",
        "Changed an organisation's status",
    ),
    ("org.checklist", "更新建会步骤", "Updated a founding step"),
    ("org.import", "导入组织", "Imported organisations"),
    ("org.join_link", "更换入会二维码", "Renewed a join code"),
    (
        "org.membership_settings",
        "修改入会审核设置",
        "Changed membership settings",
    ),
    ("account.create", "新建账号", "Created an account"),
    ("account.update", "修改账号", "Edited an account"),
    ("account.disable", "停用账号", "Disabled an account"),
    ("account.enable", "启用账号", "Enabled an account"),
    ("account.password", "设置密码", "Set a password"),
    (
        "member.status",
        "变更会籍状态",
        "Changed a membership's status",
    ),
    ("member.reroute", "改派申请", "Re-routed an application"),
    (
        "member.reveal",
        "查看完整身份证号和手机号",
        "Viewed the full ID number and phone",
    ),
    (
        "member.search",
        "按身份证号或手机号精确查询",
        "Searched by ID number or phone",
    ),
    ("member.roster_import", "名单集中入会", "Enrolled a roster"),
    ("transfer.request", "申请会籍转接", "Asked for a transfer"),
    ("transfer.accept", "接收转入会员", "Accepted a transfer"),
    ("transfer.refuse", "拒绝转入会员", "Refused a transfer"),
    (
        "routing_rule.create",
        "新建分派规则",
        "Created a routing rule",
    ),
    (
        "routing_rule.delete",
        "删除分派规则",
        "Deleted a routing rule",
    ),
    (
        "routing_rule.move",
        "调整分派规则顺序",
        "Reordered a routing rule",
    ),
    ("event.create", "新建入会活动", "Created an enrolment event"),
    ("event.close", "结束入会活动", "Closed an enrolment event"),
    (
        "api_key.create",
        "新建平台接口密钥",
        "Created a platform API key",
    ),
    (
        "api_key.revoke",
        "吊销平台接口密钥",
        "Revoked a platform API key",
    ),
    ("export", "导出数据", "Exported data"),
];

const ENTITIES: &[(&str, &str, &str)] = &[
    ("org", "组织", "Organisation"),
    ("account", "账号", "Account"),
    ("member", "会员", "Member"),
    ("routing_rule", "分派规则", "Routing rule"),
    ("enrolment_event", "入会活动", "Enrolment event"),
    ("api_key", "接口密钥", "API key"),
    ("audit", "审计日志", "Audit trail"),
    ("roster_report", "未通过的名单行", "Failed roster rows"),
];

const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "名称", "Name"),
    ("display_name", "显示名称", "Display name"),
    ("username", "用户名", "Username"),
    ("role", "角色", "Role"),
    ("org_id", "所属组织", "Organisation"),
    ("parent_id", "上级组织", "Parent"),
    ("status", "状态", "Status"),
    ("disabled", "已停用", "Disabled"),
    ("kind", "类型", "Kind"),
    ("region_code", "行政区划代码", "Region code"),
    ("uscc", "统一社会信用代码", "Credit code"),
    ("reason", "理由", "Reason"),
    ("failures", "连续失败次数", "Failures in a row"),
    ("locked", "已锁定", "Locked"),
    ("must_change", "须在登录时修改", "To be changed at login"),
    ("auto_approve", "自动通过", "Auto-approve"),
    ("review_days", "审核时限（天）", "Days to review"),
    ("transfer", "转接编号", "Transfer"),
    ("from", "转出工会", "From"),
    ("to", "转入工会", "To"),
    ("by", "查询方式", "Searched by"),
    ("value", "查询内容（脱敏）", "Searched for (masked)"),
    ("found", "找到", "Found"),
    ("filter", "筛选条件", "Filter"),
    ("rows", "行数", "Rows"),
    ("step", "步骤", "Step"),
    ("done_on", "完成日期", "Done on"),
    ("id_number", "身份证号", "ID number"),
    ("phone", "手机号", "Phone"),
];

fn pick(
    table: &[(&str, &'static str, &'static str)],
    code: &str,
    en: bool,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, e)| if en { *e } else { *zh })
}

/// An action in words; an action this table does not know, as its code.
pub fn action(code: &str, en: bool) -> String {
    pick(ACTIONS, code, en).map_or_else(|| code.to_string(), str::to_string)
}

pub fn entity(code: &str, en: bool) -> String {
    pick(ENTITIES, code, en).map_or_else(|| code.to_string(), str::to_string)
}

fn value(v: &Value, en: bool) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => (if en { "yes" } else { "是" }).into(),
        Value::Bool(false) => (if en { "no" } else { "否" }).into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| format!("{}={}", pick(FIELDS, k, en).unwrap_or(k), value(v, en)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The change as `field: before → after` lines, fields by their labels.
pub fn change(before: Option<&str>, after: Option<&str>, en: bool) -> String {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (b, a) = (parse(before), parse(after));
    let empty = serde_json::Map::new();
    let (bm, am) = (
        b.as_ref().and_then(Value::as_object).unwrap_or(&empty),
        a.as_ref().and_then(Value::as_object).unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(*k));
    keys.into_iter()
        .filter_map(|k| {
            let label = pick(FIELDS, k, en).unwrap_or(k);
            // `by` names a field: say which in words.
            let named = |v: &Value| match (k.as_str(), v.as_str()) {
                ("by", Some(f)) => Value::String(pick(FIELDS, f, en).unwrap_or(f).to_string()),
                _ => v.clone(),
            };
            let (bv, av) = (bm.get(k).map(named), am.get(k).map(named));
            match (bv.as_ref(), av.as_ref()) {
                (Some(x), Some(y)) if x == y => None,
                (Some(x), Some(y)) => Some(format!("{label}：{} → {}", value(x, en), value(y, en))),
                (None, Some(y)) => Some(format!("{label}：{}", value(y, en))),
                (Some(x), None) => Some(format!("{label}：{} → —", value(x, en))),
                (None, None) => None,
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// One entry as the page and the export show it.
pub struct Described {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub change: String,
    pub ip: String,
}

impl Described {
    /// One entry in the reader's words, its subject named (masked) when
    /// it is in scope.
    pub fn of(
        e: &nuanxin_store::audit::AuditEntry,
        subjects: &std::collections::HashMap<(String, String), String>,
        en: bool,
    ) -> Described {
        let id = e.entity_id.clone().unwrap_or_default();
        let who = subjects
            .get(&(e.entity.clone(), id.clone()))
            .cloned()
            .unwrap_or_else(|| {
                if id.is_empty() {
                    String::new()
                } else {
                    format!("#{id}")
                }
            });
        Described {
            at: nuanxin_domain::time::format_local(e.at),
            actor: e.actor_name.clone(),
            action: action(&e.action, en),
            entity: format!("{} {who}", entity(&e.entity, en))
                .trim()
                .to_string(),
            change: change(e.before_json.as_deref(), e.after_json.as_deref(), en),
            ip: e.ip.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_words() {
        assert_eq!(action("member.reveal", false), "查看完整身份证号和手机号");
        assert_eq!(
            action("member.reveal", true),
            "Viewed the full ID number and phone"
        );
        assert_eq!(action("something.new", false), "something.new");
        assert_eq!(entity("member", false), "会员");
    }

    #[test]
    fn a_change_reads_field_by_field() {
        assert_eq!(
            change(
                Some(r#"{"name":"旧名","disabled":false}"#),
                Some(r#"{"name":"新名","disabled":false}"#),
                false
            ),
            "名称：旧名 → 新名"
        );
        assert_eq!(
            change(
                None,
                Some(r#"{"by":"phone","value":"138****5678","found":1}"#),
                false
            ),
            "查询方式：手机号；找到：1；查询内容（脱敏）：138****5678"
        );
        assert_eq!(
            change(None, Some(r#"{"locked":true}"#), true),
            "Locked：yes"
        );
    }
}
