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
login-locked = 登录失败次数过多，账号已锁定，请在 { $minutes } 分钟后重试
