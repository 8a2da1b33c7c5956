-- Members and their applications. ID numbers and phones are stored sealed
-- (AEAD), with an HMAC blind index for exact lookup and a masked copy for
-- display; the plaintext is never stored.

CREATE TABLE members (
    id               INTEGER PRIMARY KEY,
    person_key       TEXT NOT NULL,
    name             TEXT NOT NULL,
    id_number_sealed TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    phone_key        TEXT NOT NULL,
    phone_sealed     TEXT NOT NULL,
    phone_masked     TEXT NOT NULL,
    occupation       TEXT NOT NULL,
    employer         TEXT,
    work_region      TEXT NOT NULL,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    member_no        TEXT,
    status           TEXT NOT NULL,
    status_token     TEXT NOT NULL,
    card_token       TEXT NOT NULL,
    route_rule       TEXT NOT NULL,
    route_reason     TEXT NOT NULL,
    reject_reason    TEXT,
    applied_at       TEXT NOT NULL,
    -- When an undecided application becomes overdue for the parent federation.
    due_at           TEXT NOT NULL,
    decided_at       TEXT,
    updated_at       TEXT NOT NULL
);
-- One person, one membership: at most one open record per ID number.
CREATE UNIQUE INDEX members_one_person ON members(person_key)
    WHERE status IN ('applied', 'active', 'transferring');
CREATE UNIQUE INDEX members_member_no ON members(member_no);
CREATE UNIQUE INDEX members_status_token ON members(status_token);
CREATE UNIQUE INDEX members_card_token ON members(card_token);
CREATE INDEX members_org ON members(org_id, status, id);
CREATE INDEX members_phone ON members(phone_key);
-- Exact search by ID number over every record, open or not.
CREATE INDEX members_person ON members(person_key);
CREATE INDEX members_due ON members(status, due_at);

CREATE TABLE member_events (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    actor_name  TEXT NOT NULL,
    reason      TEXT
);
CREATE INDEX member_events_member ON member_events(member_id, id);

-- The last sequence number issued per region and year (`32010226`).
CREATE TABLE member_no_seq (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);

-- The QR code and short link of a union (`/join/{token}`).
CREATE TABLE join_links (
    token      TEXT PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX join_links_org ON join_links(org_id);

-- Routing looks for unions of a kind inside a subtree.
CREATE INDEX orgs_kind ON orgs(kind, path);

-- Per-union membership settings: approve applications at once, and how
-- many days an application may wait before the parent federation is told.
CREATE TABLE union_settings (
    org_id       INTEGER PRIMARY KEY REFERENCES orgs(id),
    auto_approve INTEGER NOT NULL,
    review_days  INTEGER NOT NULL
);

-- Transfers of a membership between unions (会籍转接): the member keeps
-- the membership number; the receiving union accepts or refuses.
CREATE TABLE transfers (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    from_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    to_org_id    INTEGER NOT NULL REFERENCES orgs(id),
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    reason       TEXT
);
-- At most one open transfer per member.
CREATE UNIQUE INDEX transfers_open ON transfers(member_id) WHERE status = 'pending';
CREATE INDEX transfers_to ON transfers(to_org_id, status);
CREATE INDEX transfers_from ON transfers(from_org_id, status);
