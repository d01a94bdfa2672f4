import Recommender
import VPAModel

/// Shared values for the ported upstream tests.
enum TestTime {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour

    /// upstream util tests' `startTime = time.Unix(1234567890, 0)`.
    static let startTime = Timestamp(unixMilliseconds: 1_234_567_890_000)
    /// upstream model tests' `testTimestamp` (2017-04-18 17:35:05 UTC).
    static let testTimestamp = Timestamp(unixMilliseconds: 1_492_536_905_000)
    /// A time on a whole hour, so a 1-hour half-life histogram's first sample has decay factor 1
    /// (stands in for upstream's `anyTime` in the non-decaying histogram tests).
    static let wholeHour = Timestamp(unixMilliseconds: 416_667 * hour)

    static func at(_ base: Timestamp, plus milliseconds: Int64) -> Timestamp {
        Timestamp(unixMilliseconds: base.unixMilliseconds + milliseconds)
    }
}

let mebibyte: Int64 = 1024 * 1024
let gibibyte: Int64 = 1024 * mebibyte

extension DecayingHistogram {
    /// upstream histogram_test.go `testHistogramOptions`: linear, max 10, bucket size 1, epsilon 1e-15.
    static func linearTest(halfLife: Duration = .seconds(3600), epsilon: Double = 1e-15,
                           maxValue: Double = 10, bucketSize: Double = 1) -> DecayingHistogram {
        guard let options = HistogramOptions.linear(maxValue: maxValue, bucketSize: bucketSize, epsilon: epsilon) else {
            preconditionFailure("valid test options")
        }
        return DecayingHistogram(options: options, halfLife: halfLife)
    }
}

/// `|actual − expected| ≤ relative × |expected|` (testify `InEpsilon`).
func isClose(_ actual: Double, _ expected: Double, relative: Double = 1e-12) -> Bool {
    abs(actual - expected) <= relative * abs(expected)
}
