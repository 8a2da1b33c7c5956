-- Only undecided applications can be overdue, so only they are indexed by
-- their due time: approved members, most of the table and every row of a
-- roster import, no longer pay for an index entry they never need.
DROP INDEX members_due;
CREATE INDEX members_due ON members(due_at) WHERE status = 'applied';
