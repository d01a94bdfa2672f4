import StoreAPI

/// When `StoreClient` tries a call again, and how long it waits in between: the one retry policy
/// of every caller (the recommender, the updater, `ingest --server`, the queries).
///
/// A call is tried again only when a second try cannot apply anything twice: a read, or a write
/// that carries an idempotency key (the server answers a repeat from the answer it stored for the
/// key, `replayed` true). A write without a key is never retried: it may have committed before the
/// connection dropped. The statuses retried say the call may not have arrived or may succeed
/// later: UNAVAILABLE (the connection dropped, the server is restarting or draining, the database
/// was busy) and DEADLINE_EXCEEDED. Every other status is the answer.
public struct RetryPolicy: Hashable, Sendable {
    /// Tries in all, the first included; 1 = no retry.
    public var attempts: Int
    /// The wait before the first retry; each later one waits twice as long, up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration

    public init(attempts: Int = 4, initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(2)) {
        self.attempts = max(1, attempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Four tries over about 1.4 s: a server restart under a rolling update, or a dropped connection.
    public static let `default` = RetryPolicy()
    /// One try: the caller handles every failure itself.
    public static let none = RetryPolicy(attempts: 1)

    /// Whether a call that failed with `status` on try `attempt` (1 = the first) is tried again.
    public func retries(_ status: RPCStatus, attempt: Int) -> Bool {
        attempt < attempts && (status.code == .unavailable || status.code == .deadlineExceeded)
    }

    /// The wait before try `attempt + 1`.
    public func backoff(after attempt: Int) -> Duration {
        min(maximumBackoff, initialBackoff * (1 << min(attempt - 1, 16)))
    }
}
