/// The version of vpa-store this binary is, as the server reports it in its handshake.
public enum VPAStoreVersion {
    public static let current = "0.3.0"
}
