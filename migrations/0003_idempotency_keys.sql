-- Answers to requests that carried an idempotency key (DESIGN §4: a retried batch with the same key
-- returns the original positions and appends nothing). Written in the append's own transaction, so
-- a key is recorded if and only if its batch committed.
--
-- Keyed by a 64-bit FNV-1a hash of the key, not the text (integers in indexes, never text); the key
-- itself is kept to tell a hash collision from a retry.
CREATE TABLE idempotency_keys (
    key_hash     INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL,
    method       TEXT    NOT NULL,
    position     INTEGER NOT NULL,  -- the head after the batch committed
    recorded_at  INTEGER NOT NULL,  -- unix ms
    response     BLOB    NOT NULL   -- the encoded response message sent the first time
);
