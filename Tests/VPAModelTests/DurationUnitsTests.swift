import Testing
import VPAModel

/// Duration is the domain's one duration type; these are its conversions to the `_ms` integers of
/// the wire and the database, and its arithmetic with Timestamp.
@Suite struct DurationUnitsTests {
    @Test func wholeUnitsTruncateAndSaturate() {
        #expect(Duration.milliseconds(1_500).wholeMilliseconds == 1_500)
        #expect(Duration.microseconds(1_999).wholeMilliseconds == 1)
        #expect(Duration.seconds(Int64.max).wholeMilliseconds == .max)
        #expect(Duration.seconds(Int64.min).wholeMilliseconds == .min)
        #expect(Duration.seconds(Int64.max / 1_000).wholeNanoseconds == .max)
        #expect(Duration.milliseconds(3).wholeNanoseconds == 3_000_000)
    }

    @Test func timestampsMoveByDurations() {
        let start = Timestamp(unixMilliseconds: 1_000)
        #expect(start.advanced(by: .seconds(2)) == Timestamp(unixMilliseconds: 3_000))
        #expect(Timestamp(unixMilliseconds: 3_500).duration(since: start) == .milliseconds(2_500))
        #expect(start.advanced(by: .seconds(Int64.max)) == Timestamp(unixMilliseconds: .max))
    }

    @Test func resizeTimeoutsMustBeExceededNotReached() {
        let timeouts = ResizeTimeouts(deferred: .seconds(60), inProgress: .seconds(600))
        let since = Timestamp(unixMilliseconds: 0)
        #expect(!timeouts.isExceeded(state: .pendingDeferred, since: since, now: Timestamp(unixMilliseconds: 60_000)))
        #expect(timeouts.isExceeded(state: .pendingDeferred, since: since, now: Timestamp(unixMilliseconds: 60_001)))
        #expect(!timeouts.isExceeded(state: .inProgress, since: since, now: Timestamp(unixMilliseconds: 60_001)))
        #expect(timeouts.isExceeded(state: .pendingInfeasible, since: nil, now: since))
        #expect(timeouts.limit(of: .completed) == nil)
    }
}
