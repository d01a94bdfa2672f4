import Testing
@testable import Updater

/// Durations in reasons read like Go's `time.Duration.String`.
struct DurationTextTests {
    @Test(arguments: [(Int64(0), "0s"), (250, "250ms"), (1000, "1s"), (300_000, "5m0s"), (372_000, "6m12s"),
                      (3_600_001, "1h0m0.001s"), (43_200_000, "12h0m0s"), (5_430, "5.43s")])
    func formatsLikeGo(milliseconds: Int64, expected: String) {
        #expect(DurationText.format(milliseconds: milliseconds) == expected)
    }

    @Test(arguments: [(0.1, "0.10"), (0.249, "0.25"), (2.0, "2.00"), (0.0, "0.00")])
    func fractionsHaveTwoDecimals(fraction: Double, expected: String) {
        #expect(DurationText.format(fraction: fraction) == expected)
    }
}
