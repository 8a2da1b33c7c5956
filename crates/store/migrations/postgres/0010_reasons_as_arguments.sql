-- Why an application went where it went, as arguments the pages put into
-- words in the reader's language: {"union", "occupation", "stage", "reason"}.
-- route_reason keeps only what a person wrote (a rule's own reason, a
-- reviewer's); rows from before this column hold the whole Chinese sentence
-- there and NULL here.
ALTER TABLE members ADD COLUMN route_args TEXT;

-- The system's own reason for a change, as a code the pages put into words
-- (`roster_import`, `member_asked_leave`, `correct:name,phone`, …); the
-- reason columns keep only what a person wrote. Rows from before hold the
-- system's Chinese sentence in the reason column and NULL here.
ALTER TABLE member_events ADD COLUMN reason_code TEXT;
ALTER TABLE members ADD COLUMN reject_reason_code TEXT;
