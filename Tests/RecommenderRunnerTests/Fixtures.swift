import VPAModel

/// Minute n after 2026-11-02T09:00:00Z.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: 1_793_610_000_000 + n * 60_000)
}

let mebibyte: Int64 = 1 << 20
