password-title = Change your password
password-required = This password was set by someone else (a first or reset password). Choose a new one that only you know before you go on.
password-current = Current password
password-new = New password
password-confirm = New password again
password-submit = Change password

login-title = Staff login
login-username = Username
login-password = Password
login-submit = Log in
login-bad = Wrong username or password
login-locked = Too many failed logins; try again in { $minutes } minutes
