import VPAModel

/// Where the projection writes its low-churn SQLite tables. The live store and `replay` write
/// them for real; a file-only reader catching up from a snapshot writes nothing (the tables are
/// already current); `verify` records them to compare with what is stored.
protocol ProjectionSink {
    func internContainer(id: Int64, streamID: Int64, name: String, type: ContainerType) throws
    func openHistory(_ row: OpenHistoryRow) throws
    func closeHistory(_ row: OpenHistoryRow, toPosition: Int64, validTo: Timestamp) throws
    func recordTransition(position: Int64, streamID: Int64, at: Timestamp, _ transition: ResizeTransition) throws
    func recordOOM(position: Int64, streamID: Int64, containerID: Int64, _ kill: OOMKill) throws
    func recordEviction(keyHash: Int64, position: Int64) throws
    func recordUsage(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                     _ container: UsageSample.Container) throws
    /// Removes the usage rows whose window ended before `before`.
    func expireUsage(before: Timestamp) throws
}

/// Writes nothing: for catching up the in-memory view when the tables are already current.
struct DiscardingSink: ProjectionSink {
    func internContainer(id: Int64, streamID: Int64, name: String, type: ContainerType) {}
    func openHistory(_ row: OpenHistoryRow) {}
    func closeHistory(_ row: OpenHistoryRow, toPosition: Int64, validTo: Timestamp) {}
    func recordTransition(position: Int64, streamID: Int64, at: Timestamp, _ transition: ResizeTransition) {}
    func recordOOM(position: Int64, streamID: Int64, containerID: Int64, _ kill: OOMKill) {}
    func recordEviction(keyHash: Int64, position: Int64) {}
    func recordUsage(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                     _ container: UsageSample.Container) {}
    func expireUsage(before: Timestamp) {}
}
