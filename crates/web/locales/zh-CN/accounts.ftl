account-username = 用户名
account-display_name = 姓名
account-role = 角色
account-org = 所属组织
account-org_id = 所属组织（名称或编号）
account-org_placeholder = 如：玄武区总工会，或其编号
account-status = 状态
account-active = 正常
account-disabled = 已停用
account-last_login = 最近登录
account-new = 新建账号
account-password = 初始密码
account-new_password = 新密码
account-reset_password = 重置密码
account-disable = 停用
account-enable = 启用
account-edit = 修改账号

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-role-not_grantable = 您不能授予这个角色
error-role-unknown = 请选择角色
error-username-format = 用户名为 3 至 32 位英文字母、数字或 . _ -
error-username-taken = 该用户名已被使用

## Field labels, as error messages name them.

label-account_org = 所属组织
label-person_name = 姓名
