apikey-title = Platform API keys
apikey-intro_html = Platform companies use a key to call <code>POST /api/v1/platform/roster</code> and push rosters of riders and drivers (up to 5,000 people per call, with an <code>Idempotency-Key</code> header); checks and routing rules are the same as for a roster import. A key is bound to this union only and can be revoked at any time.{ " " }
apikey-new_key = New key (shown only this once: copy it now and pass it to the platform securely):
apikey-name_placeholder = Key name, e.g. Delivery platform, Nanjing
apikey-create = Create key
apikey-name = Name
apikey-prefix = Key starts with
apikey-created = Created
apikey-last_used = Last used
apikey-status = Status
apikey-revoked = Revoked
apikey-active = Active
apikey-revoke_confirm = The platform will no longer be able to push rosters. Revoke this key?
apikey-revoke = Revoke

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-push-idempotency_key_reused = this idempotency key was used for a different request
error-push-in_progress = this push is still being processed; retry later with the same key

## Field labels, as error messages name them.

label-key_name = the key's name
