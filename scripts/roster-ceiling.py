#!/usr/bin/env python3
"""The raw SQLite ceiling of a roster import: how many members a second
plain SQL can insert into the `members` table and its indexes, with no
spreadsheet, no checks, no sealing and no routing.

    scripts/roster-ceiling.py [ROWS]

Each variant starts from an empty database in a temporary directory, with
the settings of an import (WAL, synchronous=FULL, 64 MB page cache, a
checkpoint every 50,000 pages) and the schema of the migrations as they
stand: the members table with its indexes, and one history event per
member. Each transaction probes the person index for every row and
inserts the rows in blind-key order, as the import does. Some variants
take indexes away, to show what each costs; only those with every index
are schemas the application can run on. Python's own cost per statement
is in every figure, so they sit below SQLite's limit: compare them with
each other, within one run.
"""

import base64
import os
import sqlite3
import sys
import tempfile
import time

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000

MEMBERS = """
CREATE TABLE members (
    id INTEGER PRIMARY KEY, person_key {key} NOT NULL, name TEXT NOT NULL,
    id_number_sealed TEXT NOT NULL, id_number_masked TEXT NOT NULL,
    phone_key {key} NOT NULL, phone_sealed TEXT NOT NULL, phone_masked TEXT NOT NULL,
    occupation TEXT NOT NULL, employer TEXT, work_region TEXT NOT NULL,
    org_id INTEGER NOT NULL, member_no TEXT, status TEXT NOT NULL,
    status_token TEXT NOT NULL, card_token TEXT NOT NULL, route_rule TEXT NOT NULL,
    route_reason TEXT NOT NULL, reject_reason TEXT, applied_at TEXT NOT NULL,
    due_at TEXT NOT NULL, decided_at TEXT, updated_at TEXT NOT NULL,
    closed_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE member_events (
    id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, at TEXT NOT NULL,
    from_status TEXT, to_status TEXT NOT NULL, org_id INTEGER,
    actor_name TEXT, reason TEXT);
CREATE INDEX member_events_member ON member_events(member_id, id);
"""
INDEXES = {
    "person": "CREATE UNIQUE INDEX members_person_once ON members(person_key, closed_seq)",
    "phone": "CREATE INDEX members_phone ON members(phone_key)",
    "member_no": "CREATE UNIQUE INDEX members_member_no ON members(member_no)",
    "tokens": "CREATE UNIQUE INDEX members_status_token ON members(status_token);"
    "CREATE UNIQUE INDEX members_card_token ON members(card_token)",
    "org": "CREATE INDEX members_org ON members(org_id, status, id)",
    "due": "CREATE INDEX members_due ON members(due_at) WHERE status = 'applied'",
}
INSERT = (
    "INSERT INTO members (person_key, name, id_number_sealed, id_number_masked,"
    " phone_key, phone_sealed, phone_masked, occupation, employer, work_region,"
    " org_id, member_no, status, status_token, card_token, route_rule, route_reason,"
    " reject_reason, applied_at, due_at, decided_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14,"
    " ?15, ?16, NULL, ?17, ?17, ?17, ?17)"
)
EVENT = (
    "INSERT INTO member_events (member_id, at, from_status, to_status, org_id,"
    " actor_name, reason) VALUES (?, ?, NULL, 'active', 7, 'admin', '名单导入')"
)
PROBE = "SELECT 1 FROM members WHERE person_key = ? AND closed_seq = 0"


def rows(binary_keys):
    """Rows shaped like the import's: random 128-bit blind keys, sealed
    values of the sealer's lengths, time-ordered 32-character tokens."""
    start = int(time.time() * 1000)

    def key():
        raw = os.urandom(16)
        return raw if binary_keys else raw.hex()

    def token(i):
        return ((start + i).to_bytes(6, "big") + os.urandom(18)).hex()[:32]

    reason = "已分派至江宁区网约送餐行业工会联合会：您的平台在本区的合作商已建会"
    return [
        (key(), "张小明", base64.b64encode(os.urandom(58)).decode(), "3201**********123X",
         key(), base64.b64encode(os.urandom(51)).decode(), "138****5678", "delivery",
         "美团 合作商 江宁站", "320115", 7, "32011526%08d" % i, token(i), token(i),
         "grassroots:12", reason, "2026-11-24T10:00:00.123456Z")
        for i in range(ROWS)
    ]


def run(label, data, indexes, batch, binary_keys=False):
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "ceiling.sqlite")
        db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "cache_size=-65536",
                       "wal_autocheckpoint=50000"):
            db.execute("PRAGMA " + pragma)
        db.executescript(MEMBERS.format(key="BLOB" if binary_keys else "TEXT"))
        for name in indexes:
            db.executescript(INDEXES[name])
        insert = INSERT
        if "person" in indexes:
            insert += " ON CONFLICT (person_key, closed_seq) DO NOTHING"
        began = time.time()
        for first in range(0, ROWS, batch):
            db.execute("BEGIN")
            chunk = sorted(data[first:first + batch], key=lambda r: r[0])
            if "person" in indexes:
                for row in chunk:
                    db.execute(PROBE, (row[0],)).fetchone()
            for row in chunk:
                member = db.execute(insert, row).lastrowid
                db.execute(EVENT, (member, row[16]))
            db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.time() - began
        db.close()
    print(f"| {label} | {batch:,} | {ROWS / seconds:,.0f} | {seconds:.1f} s |", flush=True)


ALL = list(INDEXES)
print(f"SQLite {sqlite3.sqlite_version}, {ROWS:,} rows\n")
print("| indexes | rows a transaction | rows/s | time |\n|---|---|---|---|")
text = rows(binary_keys=False)
for batch in (10_000, 100_000):
    run("all (the schema as it is)", text, ALL, batch)
    run("all but the phone index", text, [i for i in ALL if i != "phone"], batch)
    run("all but the person and phone indexes", text,
        [i for i in ALL if i not in ("person", "phone")], batch)
run("none (the table and its events alone)", text, [], 10_000)
del text
binary = rows(binary_keys=True)
for batch in (10_000, 100_000):
    run("all, with 16-byte binary blind keys", binary, ALL, batch, binary_keys=True)
