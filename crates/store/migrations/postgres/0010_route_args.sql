-- Why an application went where it went, as arguments the pages put into
-- words in the reader's language: {"union", "occupation", "stage", "reason"}.
-- route_reason keeps only what a person wrote (a rule's own reason, a
-- reviewer's); rows from before this column hold the whole Chinese sentence
-- there and NULL here.
ALTER TABLE members ADD COLUMN route_args TEXT;
