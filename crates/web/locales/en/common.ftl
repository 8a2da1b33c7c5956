app = Nuanxin · union platform for new forms of employment

brand = Nuanxin

nav-orgs = Organisations
nav-members = Members
nav-accounts = Accounts
nav-audit = Audit trail
nav-api = API docs
nav-logout = Log out
nav-password = Change password
nav-other_lang = 中文

common-prev = Previous
common-next = Next
common-total = { $count } in total
common-filter = Filter
common-export = Export to Excel
common-errors = Please correct the following:
common-all = All
common-back = Back
common-list_sep = ,{ " " }

apidocs-back = ← Back to the console
apidocs-intro = The machine-readable description is at /api/openapi.json (OpenAPI 3.1). Log in with POST /api/v1/session, then send Authorization: Bearer <token>; with the session cookie, writes also need X-CSRF-Token. Errors are application/problem+json with a stable code and messages in Chinese and English.
apidocs-method = Method
apidocs-path = Path
apidocs-summary = Summary
apidocs-responses = Responses

qr-private_warning = Warning: this QR code points to an intranet or local address that workers' phones cannot reach. Set the public address (public_base_url) in the configuration, or open the console through its public address before downloading.
qr-private_confirm = This QR code points to an address workers' phones cannot reach. Download it anyway?

error-not_found = Page not found, or outside your scope
