-- API keys of platform enterprises, each bound to one union; only the
-- SHA-256 of the key is stored.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    name         TEXT NOT NULL,
    key_prefix   TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX api_keys_org ON api_keys(org_id, id);

-- Roster pushes by idempotency key: a retried request gets the first
-- answer instead of a second import.
CREATE TABLE roster_pushes (
    api_key_id      INTEGER NOT NULL REFERENCES api_keys(id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          INTEGER NOT NULL,
    response_json   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
