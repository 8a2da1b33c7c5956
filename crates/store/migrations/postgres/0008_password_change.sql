-- A password that someone else set (an admin creating or resetting an
-- account, the command line, the demo) must be changed at first login.
ALTER TABLE accounts ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
