apikey-title = 平台接口密钥
apikey-intro_html = 平台企业用密钥调用 <code>POST /api/v1/platform/roster</code> 推送骑手、司机名单（每次最多 5000 人，须带 <code>Idempotency-Key</code> 请求头），校验和分派规则与名单导入相同。密钥只绑定本工会，可随时停用。
apikey-new_key = 新密钥（只显示这一次，请立即复制并安全转交平台）：
apikey-name_placeholder = 密钥名称，如：某外卖平台南京站
apikey-create = 创建密钥
apikey-name = 名称
apikey-prefix = 密钥开头
apikey-created = 创建时间
apikey-last_used = 最近使用
apikey-status = 状态
apikey-revoked = 已停用
apikey-active = 有效
apikey-revoke_confirm = 停用后该平台立即无法推送名单。确定停用？
apikey-revoke = 停用

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-push-idempotency_key_reused = 该幂等键已用于另一份不同的名单
error-push-in_progress = 这次推送仍在处理中，请稍后用同一个幂等键重试

## Field labels, as error messages name them.

label-key_name = 密钥名称
