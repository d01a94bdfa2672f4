import KubernetesAPI
import Testing

@Suite struct BackoffTests {
    @Test func delaysDoubleWithJitterUpToTheMaximum() {
        var backoff = Backoff(initial: .milliseconds(800), maximum: .seconds(30), jitter: 1.0)
        var base = Duration.milliseconds(800)
        for _ in 0..<10 {
            let delay = backoff.next()
            #expect(delay >= base && delay < base * 2, "delay \(delay) outside [\(base), \(base * 2))")
            base = min(base * 2, .seconds(30))
        }
        backoff.reset()
        #expect(backoff.next() < .milliseconds(1600))
    }

    @Test func retryAfterWins() {
        var backoff = Backoff()
        #expect(backoff.next(retryAfter: .seconds(7)) == .seconds(7))
        #expect(backoff.consecutiveFailures == 1)
        // A server's number is bounded both ways.
        #expect(backoff.next(retryAfter: .seconds(-5)) == .zero)
        #expect(backoff.next(retryAfter: .seconds(Int64.max)) == .seconds(300))
    }
}
