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
        "login.expired",
        "登录已超时，请重新登录",
        "Your session has ended; please log in again",
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
    ("org.checklist_done", "完成日期", "Done on"),
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
    ("common.actions", "操作", "Actions"),
    ("common.back", "返回", "Back"),
    ("account.username", "用户名", "Username"),
    ("account.display_name", "姓名", "Name"),
    ("account.role", "角色", "Role"),
    ("account.org", "所属组织", "Organisation"),
    ("account.org_id", "所属组织编号", "Organisation id"),
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
    (
        "error.forbidden",
        "您没有执行此操作的权限",
        "You do not have permission to do this",
    ),
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
        let lang = match crate::auth::cookie(&parts.headers, LANG_COOKIE).as_deref() {
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
}
