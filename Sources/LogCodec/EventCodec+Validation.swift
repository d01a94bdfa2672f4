import CStoreProto
import StoreAPI
import VPAModel

extension EventCodec {
    /// What is wrong with a stored body's times, if anything: a time or duration outside
    /// `Timestamp.validRange`, which requests are refused for since issue 16 but a log written before
    /// may hold. `verify` reports it; reads serve such events with saturating arithmetic.
    public static func timeProblem(type: EventType, bytes: UnsafeRawBufferPointer) -> String? {
        do throws(WireError) {
            try withUnsafePointer(to: descriptor(of: type)) { (descriptor) throws(WireError) in
                try WireValidation.validate(bytes, descriptor, checkingTimes: true)
            }
            return nil
        } catch {
            return error.description
        }
    }

    private static func descriptor(of type: EventType) -> ProtobufCMessageDescriptor {
        switch type {
        case .podObserved: vpa__store__v1__pod_observed__descriptor
        case .podDeleted: vpa__store__v1__pod_deleted__descriptor
        case .resizeTransition: vpa__store__v1__resize_transition__descriptor
        case .oomKilled: vpa__store__v1__oom_killed__descriptor
        case .evictionObserved: vpa__store__v1__eviction_observed__descriptor
        case .inPlaceModeChanged: vpa__store__v1__in_place_mode_changed__descriptor
        case .resizeRequested: vpa__store__v1__resize_requested__descriptor
        case .vpaObserved: vpa__store__v1__vpa_observed__descriptor
        case .vpaDeleted: vpa__store__v1__vpa_deleted__descriptor
        case .usageSampled: vpa__store__v1__usage_sampled__descriptor
        case .recommendationPublished: vpa__store__v1__recommendation_published__descriptor
        case .updaterDecision: vpa__store__v1__updater_decision__descriptor
        case .recommenderCheckpoint: vpa__store__v1__recommender_checkpoint__descriptor
        case .usageExpired: vpa__store__v1__usage_expired__descriptor
        case .limitRangeObserved: vpa__store__v1__limit_range_observed__descriptor
        case .limitRangeDeleted: vpa__store__v1__limit_range_deleted__descriptor
        }
    }
}
