import ResourceReport
import Testing
import VPAModel

/// Ticks at round, human values: units change at their boundaries, days at UTC midnight.
struct ScaleTests {
    static func time(_ text: String) -> Timestamp { try! Timestamp(rfc3339: text) }

    @Test func timeTicksCarryTheDateWhereTheDayChanges() {
        let scale = TimeScale(start: Self.time("2026-12-04T21:30:00Z"), end: Self.time("2026-12-05T03:10:00Z"), left: 0, width: 600)
        #expect(scale.ticks().map(\.label) == ["12-04 22:00", "23:00", "12-05 00:00", "01:00", "02:00", "03:00"])
        #expect(scale.ticks().first?.time == Self.time("2026-12-04T22:00:00Z"))
        #expect(scale.x(Self.time("2026-12-04T21:30:00Z")) == 0 && scale.x(Self.time("2026-12-05T03:10:00Z")) == 600)
        let seconds = TimeScale(start: Self.time("2026-12-04T23:59:00Z"), end: Self.time("2026-12-05T00:00:30Z"), left: 0, width: 600)
        #expect(seconds.ticks().map(\.label) == ["12-04 23:59:00", "23:59:15", "23:59:30", "23:59:45", "12-05 00:00:00", "00:00:15", "00:00:30"])
        let weeks = TimeScale(start: Self.time("2026-11-20T10:00:00Z"), end: Self.time("2026-12-20T00:00:00Z"), left: 0, width: 600)
        let labels = weeks.ticks().map(\.label)
        #expect(!labels.isEmpty && labels.allSatisfy { $0.count == 10 && $0.hasPrefix("2026-1") })
        #expect(weeks.ticks().allSatisfy { $0.time.unixMilliseconds % 86_400_000 == 0 })
    }

    @Test func amountTicksChangeUnitAtTheBoundary() {
        func labels(_ resource: ReportResource, _ largest: Int64) -> [String] {
            QuantityScale(resource: resource, largest: largest, top: 0, height: 100).ticks.map(\.label)
        }
        #expect(labels(.memory, 1000) == ["0", "256", "512", "768", "1Ki", "1.25Ki"])
        #expect(labels(.memory, 3 << 30) == ["0", "1Gi", "2Gi", "3Gi", "4Gi"])
        #expect(labels(.memory, 900 << 20) == ["0", "256Mi", "512Mi", "768Mi", "1Gi"])
        #expect(labels(.cpu, 950) == ["0", "200m", "400m", "600m", "800m", "1"])
        #expect(labels(.cpu, 3900) == ["0", "1", "2", "3", "4", "5"])
        #expect(labels(.cpu, 40) == ["0", "10m", "20m", "30m", "40m", "50m"])
        // Nothing to draw: a scale of one core, or of 1Gi.
        #expect(QuantityScale(resource: .cpu, largest: 0, top: 0, height: 100).maximum == 1000)
        #expect(QuantityScale(resource: .memory, largest: 0, top: 0, height: 100).maximum == 1 << 30)
        // The top never overflows.
        #expect(QuantityScale(resource: .memory, largest: Int64.max, top: 0, height: 100).maximum > 0)
        let scale = QuantityScale(resource: .memory, largest: 900 << 20, top: 10, height: 100)
        #expect(scale.y(0) == 110 && scale.y(1 << 30) == 10 && scale.y(512 << 20) == 60)
    }
}
