-- What a member asks of their union through their private link (the rights
-- the personal-information notice promises): a new phone, a correction,
-- leaving the union, deleting their data. Each is a task of the member's
-- union with a time limit; a new phone is sealed like the member's own.
CREATE TABLE member_requests (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT,
    status       TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    answer       TEXT
);
-- At most one open request of each kind per member.
CREATE UNIQUE INDEX member_requests_open ON member_requests(member_id, kind) WHERE status = 'open';
CREATE INDEX member_requests_org ON member_requests(org_id, status, due_at);
CREATE INDEX member_requests_member ON member_requests(member_id, id);

-- How a worker reaches their union: shown on every worker page about it.
ALTER TABLE orgs ADD COLUMN contact_phone TEXT;
ALTER TABLE orgs ADD COLUMN contact_address TEXT;

-- Enrolment events say when and where they take place, and count the
-- applications that came through their code.
ALTER TABLE enrolment_events ADD COLUMN starts_at TEXT;
ALTER TABLE enrolment_events ADD COLUMN place TEXT;
ALTER TABLE members ADD COLUMN event_id INTEGER REFERENCES enrolment_events(id);
CREATE INDEX members_event ON members(event_id) WHERE event_id IS NOT NULL;
