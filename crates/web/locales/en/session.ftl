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
login-expired = The login form expired; please try again
login-locked = Too many failed logins; try again in { $minutes } minutes

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-password-current_wrong = the current password is wrong
error-password-locked = too many wrong passwords; try again in { $minutes } minutes
error-password-mismatch = the two new passwords differ
error-password-policy = a password has at least { $min_length } characters (at most 128) from at least { $min_classes } of: upper case, lower case, digits, symbols
error-password-unchanged = the new password must differ from the current one
