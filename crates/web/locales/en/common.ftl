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
common-label_sep = :{ " " }
common-item_sep = ;{ " " }

apidocs-back = ← Back to the console
apidocs-intro = The machine-readable description is at /api/openapi.json (OpenAPI 3.1). Log in with POST /api/v1/session, then send Authorization: Bearer <token>; with the session cookie, writes also need X-CSRF-Token. Errors are application/problem+json with a stable code and messages in Chinese and English.
apidocs-method = Method
apidocs-path = Path
apidocs-summary = Summary
apidocs-responses = Responses

qr-private_warning = Warning: this QR code points to an intranet or local address that workers' phones cannot reach. Set the public address (public_base_url) in the configuration, or open the console through its public address before downloading.
qr-private_confirm = This QR code points to an address workers' phones cannot reach. Download it anyway?

common-not_found = Page not found, or outside your scope

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-text-control_char = { $label } contains control characters
error-text-empty = { $label } must not be empty
error-text-too_long = { $label } is at most { $max } characters (got { $n })
error-org_pick-empty = enter the name or id of { $label }
error-org_pick-many = several organisations match “{ $raw }”; enter one of their ids: { $candidates }
error-org_pick-none = no organisation in your scope has “{ $raw }” in its name
error-org_pick-none_receiving = no open union that receives members in your scope has “{ $raw }” in its name
error-search-too_long = a search text takes at most { $max_search_chars } characters
problem-bad_credentials = wrong username or password
problem-bad_request = the request could not be read
problem-body_too_large = the request body is larger than allowed; make it smaller or split it
problem-conflict = the input conflicts with a record
problem-content_type = the body must be JSON (Content-Type: application/json)
problem-csrf = missing or invalid CSRF token; reload and try again
problem-forbidden = you do not have permission to do this
problem-form = malformed form: { $detail }
problem-idempotency_key = send a unique Idempotency-Key header (1 to 100 characters) with each push
problem-internal = internal server error; if it persists, give the x-request-id response header to an administrator
problem-invalid_body = { $detail }
problem-invalid_path = { $detail }
problem-invalid_query = invalid query: { $detail }
problem-locked = too many failed logins; try again in { $minutes_left } minutes
problem-malformed_json = malformed JSON: { $detail }
problem-members = push 1 to { $max_members } members at a time
problem-membership-decision = decision is `approve`, `reject` or `reroute`
problem-membership-reroute_target = re-routing needs to_org_id
problem-method_not_allowed = this address does not take this method
problem-mode = mode is all_or_nothing, valid_rows or check
problem-not_found = not found, or outside your scope
problem-password-change_required = change your password first: it was set by someone else (POST /api/v1/session/password)
problem-platform_key-invalid = the platform API key is missing, unknown or revoked
problem-rate_limited = too many requests; try again later
problem-search-rate_limited = too many exact searches by ID number or phone: at most { $limit } a minute, try again in a minute
problem-timeout = the request took too long; try again later
problem-unauthorized = log in first
problem-validation = the input is invalid
