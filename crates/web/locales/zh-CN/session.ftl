password-title = 修改密码
password-required = 此密码由他人设置（初始密码或重置后的密码）。请先设置只有您自己知道的新密码，再继续使用。
password-current = 当前密码
password-new = 新密码
password-confirm = 再次输入新密码
password-submit = 修改密码

login-title = 工作人员登录
login-username = 用户名
login-password = 密码
login-submit = 登录
login-bad = 用户名或密码错误
login-expired = 登录页面已过期，请重新登录
login-locked = 登录失败次数过多，账号已锁定，请在 { $minutes } 分钟后重试

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-password-current_wrong = 当前密码不正确
error-password-locked = 密码错误次数过多，请在 { $minutes } 分钟后重试
error-password-mismatch = 两次输入的新密码不一致
error-password-policy = 密码至少 { $min_length } 位（最多 128 位），并包含大写字母、小写字母、数字、符号中的至少 { $min_classes } 类
error-password-unchanged = 新密码不能与当前密码相同
