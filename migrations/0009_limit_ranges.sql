-- LimitRanges in the log (issue 14): their event types and stream kind, for the readable views.
-- The events and streams themselves need no new table: a LimitRange is a stream like a VPA, and
-- the live ones are part of the projection's snapshot header.
INSERT OR REPLACE INTO code_names (code_set, code, name) VALUES
    ('event_type', 15, 'LimitRangeObserved'), ('event_type', 16, 'LimitRangeDeleted'),
    ('stream_kind', 4, 'limitrange');
