-- Routing rules as data: an application matching a rule's employer
-- keyword, occupation group and area goes to the rule's target union.
-- Each rule belongs to the organisation whose admins keep it; `position`
-- is that organisation's own order.
CREATE TABLE routing_rules (
    id            INTEGER PRIMARY KEY,
    owner_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    position      INTEGER NOT NULL,
    employer      TEXT,
    occupation    TEXT,
    region_code   TEXT,
    target_org_id INTEGER NOT NULL REFERENCES orgs(id),
    reason        TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX routing_rules_owner ON routing_rules(owner_org_id, position);
CREATE INDEX routing_rules_target ON routing_rules(target_org_id);

-- Versions of data that servers cache in memory: a write bumps the
-- version in its transaction, and every server reloads when it sees a
-- newer one, so several servers on one PostgreSQL agree.
CREATE TABLE cache_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('routing', 0);
