-- The organisation tree, staff accounts, sessions, login throttling, the
-- audit trail and imported street-level regions.

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES orgs(id),
    path        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    industry    TEXT,
    uscc        TEXT,
    status      TEXT NOT NULL,
    founded_on  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX orgs_path ON orgs(path);
-- Covers subtree counts by status without touching the table.
CREATE INDEX orgs_path_status ON orgs(path, status);
CREATE INDEX orgs_parent ON orgs(parent_id, name, id);
CREATE UNIQUE INDEX orgs_uscc ON orgs(uscc);

CREATE TABLE org_founding_steps (
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    step    TEXT NOT NULL,
    done_on TEXT NOT NULL,
    PRIMARY KEY (org_id, step)
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    disabled      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_login_at TEXT
);
CREATE UNIQUE INDEX accounts_username ON accounts(username);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_throttle (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    updated_at   TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    org_path    TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    ip          TEXT
);
CREATE INDEX audit_log_scope ON audit_log(org_path, id);
CREATE INDEX audit_log_at ON audit_log(at, id);

-- The application has no way to change or remove audit rows; these make
-- the database refuse it too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT NOT NULL
);
