import Recommender
import Testing

/// upstream pkg/recommender/util/histogram_options_test.go and aggregations_config.go.
struct HistogramOptionsTests {
    /// upstream `TestLinearHistogramOptions`.
    @Test func linearOptions() throws {
        let options = try #require(HistogramOptions.linear(maxValue: 5.0, bucketSize: 0.3, epsilon: 0.001))
        #expect(options.epsilon == 0.001)
        #expect(options.numberOfBuckets == 18)
        #expect(options.bucketStart(0) == 0.0)
        #expect(isClose(options.bucketStart(17), 5.1))
        #expect(options.findBucket(-1.0) == 0)
        #expect(options.findBucket(0.0) == 0)
        #expect(options.findBucket(1.3) == 4)
        #expect(options.findBucket(100.0) == 17)
    }

    /// upstream `TestExponentialHistogramOptions`.
    @Test func exponentialOptions() throws {
        let options = try #require(HistogramOptions.exponential(maxValue: 500.0, firstBucketSize: 40.0, ratio: 1.5,
                                                                epsilon: 0.001))
        #expect(options.numberOfBuckets == 6)
        #expect(options.bucketStart(0) == 0.0)
        #expect(options.bucketStart(1) == 40.0)
        #expect(options.bucketStart(2) == 100.0)
        #expect(options.bucketStart(3) == 190.0)
        #expect(options.bucketStart(4) == 325.0)
        #expect(options.bucketStart(5) == 527.5)
        #expect(options.findBucket(-1.0) == 0)
        #expect(options.findBucket(39.99) == 0)
        #expect(options.findBucket(40.0) == 1)
        #expect(options.findBucket(100.0) == 2)
        #expect(options.findBucket(900.0) == 5)
    }

    @Test func invalidOptionsAreRejected() {
        #expect(HistogramOptions.linear(maxValue: 0, bucketSize: 1, epsilon: 1) == nil)
        #expect(HistogramOptions.linear(maxValue: 1, bucketSize: 1e-300, epsilon: 1) == nil)
        #expect(HistogramOptions.exponential(maxValue: 1, firstBucketSize: 1, ratio: 1, epsilon: 1) == nil)
        #expect(HistogramOptions.exponential(maxValue: .infinity, firstBucketSize: 1, ratio: 2, epsilon: 1) == nil)
    }

    /// ceil(log_1.05(max × 0.05 / first + 1)) + 1 = 176 for both (aggregations_config.go).
    @Test func recommenderSchemesHave176Buckets() {
        #expect(HistogramOptions.cpu.numberOfBuckets == 176)
        #expect(HistogramOptions.memory.numberOfBuckets == 176)
        #expect(HistogramOptions.cpu.epsilon == 1e-4)
        #expect(HistogramOptions.memory.epsilon == 1e-4)
    }

    /// Bucket n starts at first × (1.05^n − 1) / 0.05; the last starts at or above the max value.
    @Test func recommenderBucketBoundaries() {
        let cpu = HistogramOptions.cpu
        #expect(cpu.bucketStart(0) == 0)
        #expect(isClose(cpu.bucketStart(1), 0.01))
        #expect(isClose(cpu.bucketStart(2), 0.0205))
        #expect(isClose(cpu.bucketStart(3), 0.031525))
        #expect(cpu.bucketStart(174) < 1000 && cpu.bucketStart(175) >= 1000)

        let memory = HistogramOptions.memory
        #expect(isClose(memory.bucketStart(1), 1e7))
        #expect(isClose(memory.bucketStart(2), 2.05e7))
        #expect(memory.bucketStart(174) < 1e12 && memory.bucketStart(175) >= 1e12)
    }

    /// A value lands in the bucket whose start it reaches; out-of-range values go to the ends.
    @Test func recommenderFindBucket() {
        let cpu = HistogramOptions.cpu
        #expect(cpu.findBucket(0.005) == 0)
        #expect(cpu.findBucket(0.01) == 1)
        #expect(cpu.findBucket(0.02) == 1)
        #expect(cpu.findBucket(0.021) == 2)
        #expect(cpu.findBucket(-5) == 0)
        #expect(cpu.findBucket(.nan) == 0)
        #expect(cpu.findBucket(1e9) == 175)
        #expect(cpu.findBucket(.infinity) == 175)
        for bucket in 1..<175 {
            let middle = (cpu.bucketStart(bucket) + cpu.bucketStart(bucket + 1)) / 2
            #expect(cpu.findBucket(middle) == bucket)
        }
    }
}
