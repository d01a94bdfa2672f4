import StoreAPI
import VPAModel

/// The numbers the proto enums give each model enum case (proto/vpa/store/v1/events.proto).
/// Kept in one table per enum so encode and decode cannot disagree; the store's projection tables
/// store the same numbers, so a row and an event body always agree.
public enum WireEnums {
    public static let resizeStates: [ResizeState] = [.none, .pendingDeferred, .pendingInfeasible, .inProgress,
                                              .inProgressError, .completed]
    public static let initiators: [ResizeInitiator] = [.unknown, .vpa, .manual]
    public static let oomKinds: [OOMKind] = [.new, .previous, .eviction]
    public static let sources: [ResourceSource] = [.status, .specFallback, .spec]
    public static let inPlaceModes: [InPlaceMode] = [.auto, .enabled, .disabled]
    public static let containerTypes: [ContainerType] = [.container, .`init`]

    public static func resizeState(_ value: ResizeState) -> UInt32 { number(of: value, in: resizeStates) }
    public static func initiator(_ value: ResizeInitiator) -> UInt32 { number(of: value, in: initiators) }
    public static func oomKind(_ value: OOMKind) -> UInt32 { number(of: value, in: oomKinds) }
    public static func source(_ value: ResourceSource) -> UInt32 { number(of: value, in: sources) }
    public static func inPlaceMode(_ value: InPlaceMode) -> UInt32 { number(of: value, in: inPlaceModes) }
    public static func containerType(_ value: ContainerType) -> UInt32 { number(of: value, in: containerTypes) }

    /// The number of `value`, a case of `table`.
    public static func number<T: Equatable>(of value: T, in table: [T]) -> UInt32 {
        // Every case is in its table (the tables list allCases in proto order), so this always finds it.
        UInt32(table.firstIndex(of: value)!)
    }

    /// The case numbered `number`, or nil for a number this binary does not know.
    public static func value<T>(_ number: UInt32, in table: [T]) -> T? {
        Int(number) < table.count ? table[Int(number)] : nil
    }
}
