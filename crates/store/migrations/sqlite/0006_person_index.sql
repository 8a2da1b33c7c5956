-- One index on the person's blind key serves both the one-person rule and
-- exact search: open records hold `closed_seq = 0`, so a person has at
-- most one; a record that ends takes its own id there and becomes history.
ALTER TABLE members ADD COLUMN closed_seq INTEGER NOT NULL DEFAULT 0;
UPDATE members SET closed_seq = id WHERE status IN ('rejected', 'left');
DROP INDEX members_one_person;
DROP INDEX members_person;
-- Blind indexes keep 128 of their 256 bits (32 hex digits): half the
-- index pages for bulk enrolment to write.
UPDATE members SET person_key = substr(person_key, 1, 32), phone_key = substr(phone_key, 1, 32);
CREATE UNIQUE INDEX members_person_once ON members(person_key, closed_seq);
