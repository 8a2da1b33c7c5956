-- Enrolment events (集中入会活动): a QR code of their own for a ceremony or
-- a drive, valid until it ends, with a cap on submissions per minute.
CREATE TABLE enrolment_events (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    name       TEXT NOT NULL,
    token      TEXT NOT NULL UNIQUE,
    ends_at    TEXT NOT NULL,
    per_minute INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at  TEXT
);
CREATE INDEX enrolment_events_org ON enrolment_events(org_id, id);
