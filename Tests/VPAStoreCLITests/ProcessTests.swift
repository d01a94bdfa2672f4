import Testing

/// The tests that run the built binaries and wait for them synchronously, one at a time.
///
/// A synchronous test that waits for a child process holds a thread of Swift's cooperative pool,
/// which has as many threads as cores (2 here). Two of them at once leave no thread for the async
/// tests running beside them, whose servers then stall for as long as the waits last (seen as
/// 20-second timeouts of the reflector's tests). Serialized, they hold at most one; and
/// scripts/test.sh runs this suite in a test process of its own, after the others, so that one
/// is not taken from the in-process servers either.
@Suite(.serialized) enum ProcessTests {}
