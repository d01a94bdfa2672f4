import LeaderElection
import Testing

/// Lease times as the API server writes and reads them.
@Suite struct MicroTimeTests {
    /// 2026-11-02T09:00:00Z in microseconds.
    static let nine: Int64 = 1_793_610_000_000_000

    @Test func writesSixFractionalDigitsInUTC() {
        #expect(MicroTime(unixMicroseconds: Self.nine + 123_456).description == "2026-11-02T09:00:00.123456Z")
        #expect(MicroTime(unixMicroseconds: 0).description == "1970-01-01T00:00:00.000000Z")
        #expect(MicroTime(unixMicroseconds: -1).description == "1969-12-31T23:59:59.999999Z")
        #expect(MicroTime(unixMicroseconds: 951_782_400_000_000).description == "2000-02-29T00:00:00.000000Z")
        #expect(MicroTime(unixMicroseconds: Self.nine + 999_999).rfc3339Seconds == "2026-11-02T09:00:00Z")
    }

    @Test func readsWhatTheAPIServerWrites() {
        #expect(MicroTime(rfc3339: "2026-11-02T09:00:00.123456Z")?.unixMicroseconds == Self.nine + 123_456)
        #expect(MicroTime(rfc3339: "2026-11-02T09:00:00Z")?.unixMicroseconds == Self.nine)
        #expect(MicroTime(rfc3339: "2026-11-02T11:00:00.5+02:00")?.unixMicroseconds == Self.nine + 500_000)
        #expect(MicroTime(rfc3339: "2026-11-02T09:00:00.1234567891Z")?.unixMicroseconds == Self.nine + 123_456)
        for text in ["", "2026-13-01T00:00:00Z", "2026-11-02 09:00:00Z", "2026-11-02T09:00:00", "2026-11-02T09:00:00.Z",
                     "2026-11-02T09:00:00Zjunk", "0000-01-01T00:00:00Z"] {
            #expect(MicroTime(rfc3339: text) == nil, "\(text)")
        }
    }

    @Test func roundTrips() {
        for micros: Int64 in [0, 1, -1, Self.nine, Self.nine + 7, 253_402_300_799_999_999, -62_135_596_800_000_000] {
            let time = MicroTime(unixMicroseconds: micros)
            #expect(MicroTime(rfc3339: time.description) == time)
        }
    }
}
