account-username = Username
account-display_name = Name
account-role = Role
account-org = Organisation
account-org_id = Organisation (name or id)
account-org_placeholder = e.g. its name, or its id
account-status = Status
account-active = Active
account-disabled = Disabled
account-last_login = Last login
account-new = New account
account-password = Initial password
account-new_password = New password
account-reset_password = Reset password
account-disable = Disable
account-enable = Enable
account-edit = Edit account

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-role-not_grantable = you cannot grant this role
error-role-unknown = choose a role
error-username-format = a username has 3 to 32 letters, digits or . _ -
error-username-taken = this username is taken

## Field labels, as error messages name them.

label-account_org = the account's organisation
label-person_name = the name
