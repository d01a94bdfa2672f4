import Testing
import VPAModel

@Suite struct RFC3339Tests {
    struct Example: Sendable, CustomTestStringConvertible {
        var text: String
        var milliseconds: Int64
        var testDescription: String { text }
    }

    /// 2018-02-23T13:38:48Z, the example Kubernetes documentation uses.
    static let known: Int64 = 1_519_393_128_000

    static let valid: [Example] = [
        Example(text: "2018-02-23T13:38:48Z", milliseconds: known),
        Example(text: "1970-01-01T00:00:00Z", milliseconds: 0),
        Example(text: "1970-01-01T00:00:00.001Z", milliseconds: 1),
        Example(text: "1969-12-31T23:59:59.999Z", milliseconds: -1),
        Example(text: "1969-12-31T23:59:59.5Z", milliseconds: -500),
        // Fractions: milliseconds kept, the rest truncated rather than rounded.
        Example(text: "2018-02-23T13:38:48.1Z", milliseconds: known + 100),
        Example(text: "2018-02-23T13:38:48.12Z", milliseconds: known + 120),
        Example(text: "2018-02-23T13:38:48.123Z", milliseconds: known + 123),
        Example(text: "2018-02-23T13:38:48.1239Z", milliseconds: known + 123),
        Example(text: "2018-02-23T13:38:48.9999Z", milliseconds: known + 999),
        Example(text: "2018-02-23T13:38:48.123456789Z", milliseconds: known + 123),
        Example(text: "2018-02-23T13:38:48.000000000001Z", milliseconds: known),
        // Offsets are converted to UTC.
        Example(text: "2018-02-23T15:38:48+02:00", milliseconds: known),
        Example(text: "2018-02-23T08:08:48-05:30", milliseconds: known),
        Example(text: "2018-02-23T13:38:48+00:00", milliseconds: known),
        Example(text: "2018-02-23T13:38:48-00:00", milliseconds: known),
        Example(text: "2018-02-23T15:38:48.250+02:00", milliseconds: known + 250),
        Example(text: "2018-02-24T00:00:00+23:59", milliseconds: 1_519_344_060_000),
        Example(text: "1970-01-01T00:00:00+01:00", milliseconds: -3_600_000),
        Example(text: "1969-12-31T19:00:00-05:00", milliseconds: 0),
        // Lowercase separators.
        Example(text: "2018-02-23t13:38:48z", milliseconds: known),
        Example(text: "2018-02-23t15:38:48+02:00", milliseconds: known),
        // Leap days, including the 400-year rule.
        Example(text: "2024-02-29T00:00:00Z", milliseconds: 1_709_164_800_000),
        Example(text: "2000-02-29T12:00:00Z", milliseconds: 951_825_600_000),
        Example(text: "1900-03-01T00:00:00Z", milliseconds: -2_203_891_200_000),
        // A leap second is the first second of the next minute.
        Example(text: "2016-12-31T23:59:60Z", milliseconds: 1_483_228_800_000),
        Example(text: "2016-12-31T23:59:60.5Z", milliseconds: 1_483_228_800_500),
        // The edges of the four-digit years.
        Example(text: "0000-01-01T00:00:00Z", milliseconds: -62_167_219_200_000),
        Example(text: "9999-12-31T23:59:59.999Z", milliseconds: 253_402_300_799_999),
        Example(text: "0000-01-01T00:00:00+01:00", milliseconds: -62_167_222_800_000),
    ]

    @Test(arguments: valid)
    func parsesValidTime(_ example: Example) throws {
        #expect(try Timestamp(rfc3339: example.text).unixMilliseconds == example.milliseconds)
    }

    @Test func parsesTheKnownKubernetesExample() throws {
        #expect(try Timestamp(rfc3339: "2018-02-23T13:38:48Z") == Timestamp(unixMilliseconds: 1_519_393_128_000))
    }

    @Test(arguments: [
        "",
        "2018-02-23",
        "2018-02-23T13:38",
        "2018-02-23T13:38:48",
        "2018-02-23T13:38:48.5",
        "2018-02-23 13:38:48Z",
        "2018-02-23X13:38:48Z",
        "2018-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2018-04-31T00:00:00Z",
        "2018-13-01T00:00:00Z",
        "2018-00-01T00:00:00Z",
        "2018-01-00T00:00:00Z",
        "2018-01-32T00:00:00Z",
        "2018-02-23T24:00:00Z",
        "2018-02-23T13:60:00Z",
        "2018-02-23T13:38:61Z",
        "2018-02-23T13:38:48.Z",
        "2018-02-23T13:38:48,5Z",
        "2018-02-23T13:38:48.5xZ",
        "2018-02-23T13:38:48+0200",
        "2018-02-23T13:38:48+02",
        "2018-02-23T13:38:48+02:0",
        "2018-02-23T13:38:48+24:00",
        "2018-02-23T13:38:48+02:60",
        "2018-02-23T13:38:48ZZ",
        "2018-02-23T13:38:48Z ",
        " 2018-02-23T13:38:48Z",
        "2018-02-23T13:38:48+02:00Z",
        "18-02-23T13:38:48Z",
        "+2018-02-23T13:38:48Z",
        "2018-2-23T13:38:48Z",
        "2018/02/23T13:38:48Z",
        "2018-02-23T1:38:48Z",
        "2018-02-23T13:38:48UTC",
        "2018-02-23T13:38:4aZ",
        "\u{FF12}018-02-23T13:38:48Z",
    ])
    func rejectsInvalidTime(_ text: String) throws {
        let error = try #require(throws: TimestampError.self) { try Timestamp(rfc3339: text) }
        #expect(error.text == text)
    }

    @Test func errorDescriptionQuotesTheInputAndShowsAnExample() throws {
        let error = try #require(throws: TimestampError.self) { try Timestamp(rfc3339: "2018-02-30T00:00:00Z") }
        #expect(error.description == #"invalid time "2018-02-30T00:00:00Z": expected RFC 3339 such as 2018-02-23T13:38:48Z"#)
    }

    static let formatted: [Example] = [
        Example(text: "2018-02-23T13:38:48Z", milliseconds: known),
        Example(text: "2018-02-23T13:38:48.120Z", milliseconds: known + 120),
        Example(text: "2018-02-23T13:38:48.001Z", milliseconds: known + 1),
        Example(text: "2018-02-23T13:38:48.999Z", milliseconds: known + 999),
        Example(text: "1970-01-01T00:00:00Z", milliseconds: 0),
        Example(text: "1969-12-31T23:59:59.999Z", milliseconds: -1),
        Example(text: "1969-12-31T23:59:59Z", milliseconds: -1000),
        Example(text: "2024-02-29T00:00:00Z", milliseconds: 1_709_164_800_000),
        Example(text: "0000-01-01T00:00:00Z", milliseconds: -62_167_219_200_000),
        Example(text: "9999-12-31T23:59:59.999Z", milliseconds: 253_402_300_799_999),
        // Outside RFC 3339's years: still written, with more digits or a sign.
        Example(text: "10000-01-01T00:00:00Z", milliseconds: 253_402_300_800_000),
        Example(text: "-0001-12-31T23:59:59.999Z", milliseconds: -62_167_219_200_001),
        Example(text: "292278994-08-17T07:12:55.807Z", milliseconds: Int64.max),
        Example(text: "-292275055-05-16T16:47:04.192Z", milliseconds: Int64.min),
    ]

    @Test(arguments: formatted)
    func formatsInUTC(_ example: Example) {
        #expect(Timestamp(unixMilliseconds: example.milliseconds).rfc3339 == example.text)
    }

    @Test(arguments: [
        "2018-02-23T15:38:48.5+02:00",
        "2018-02-23t13:38:48.123456z",
        "2016-12-31T23:59:60Z",
    ])
    func formatsNonCanonicalInputCanonically(_ text: String) throws {
        let formatted = try Timestamp(rfc3339: text).rfc3339
        #expect(formatted.hasSuffix("Z"))
        #expect(try Timestamp(rfc3339: formatted) == Timestamp(rfc3339: text))
    }

    @Test func roundTripsMillisecondsAcrossTheFourDigitYears() throws {
        // A deterministic spread over 0000-01-01 … 9999-12-31, plus the edges.
        let first: Int64 = -62_167_219_200_000
        let last: Int64 = 253_402_300_799_999
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var samples: [Int64] = [first, last, 0, -1, 1, Self.known]
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            samples.append(first + Int64((state >> 16) % UInt64(last - first + 1)))
        }
        for milliseconds in samples {
            let text = Timestamp(unixMilliseconds: milliseconds).rfc3339
            #expect(try Timestamp(rfc3339: text).unixMilliseconds == milliseconds, "\(text)")
        }
    }

    @Test func agreesWithNaiveDayCountingFrom1600To2400() throws {
        // An independent calendar: count days month by month from 1970, forwards and backwards.
        func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
        func length(_ year: Int, _ month: Int) -> Int {
            [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var firstOfMonth: [(year: Int, month: Int, days: Int)] = []
        var days = 0
        for year in 1970...2400 {
            for month in 1...12 {
                firstOfMonth.append((year, month, days))
                days += length(year, month)
            }
        }
        days = 0
        for year in (1600...1969).reversed() {
            for month in (1...12).reversed() {
                days -= length(year, month)
                firstOfMonth.append((year, month, days))
            }
        }
        for (year, month, days) in firstOfMonth {
            let date = "\(pad(year, 4))-\(pad(month, 2))"
            let text = "\(date)-01T00:00:00Z"
            #expect(try Timestamp(rfc3339: text).unixMilliseconds == Int64(days) * 86_400_000, "\(text)")
            #expect(Timestamp(unixMilliseconds: Int64(days) * 86_400_000).rfc3339 == text)
            let lastDay = length(year, month)
            #expect(throws: Never.self) { try Timestamp(rfc3339: "\(date)-\(pad(lastDay, 2))T23:59:59Z") }
            #expect(throws: TimestampError.self) { try Timestamp(rfc3339: "\(date)-\(pad(lastDay + 1, 2))T00:00:00Z") }
        }
    }
}
