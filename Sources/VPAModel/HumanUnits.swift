// Moved from VPAStoreCLI/Output/Records.swift so the report (ResourceReport) and the server's /report
// page write quantities and durations exactly as the tables do.

/// Human-readable CPU and memory, in Kubernetes notation.
public enum Quantities {
    /// `250m`, `2` (whole cores), or `-` when unset.
    public static func cpu(_ millicores: Int64?) -> String {
        millicores.map { ResourceList.kubernetesCPU(millicores: $0) } ?? "-"
    }

    /// `256Mi`, `1Gi` (exact), `933Mi`, `1.5Gi`, `9.25Ki` (rounded to three digits in the largest
    /// binary unit it reaches), `512` (bytes below 1Ki), or `-` when unset. Tables and summaries
    /// only: csv and json carry the bytes.
    public static func memory(_ bytes: Int64?) -> String {
        guard let bytes else { return "-" }
        let magnitude = bytes.magnitude
        for (suffix, shift) in [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] where magnitude >= 1 << shift {
            if magnitude % (1 << shift) == 0 { return "\(bytes >> shift)\(suffix)" }
            let value = Double(bytes) / Double(UInt64(1) << shift)
            let digits = value.magnitude < 10 ? 2 : value.magnitude < 100 ? 1 : 0
            return decimal(value, digits: digits) + suffix
        }
        return String(bytes)
    }

    /// `value` with at most `digits` decimals, trailing zeros dropped (`1.5`, not `1.50`).
    private static func decimal(_ value: Double, digits: Int) -> String {
        let scale = [1.0, 10.0, 100.0][digits]
        let rounded = (value * scale).rounded() / scale
        var text = rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `cpu/memory`, such as `250m/256Mi`.
    public static func pair(_ list: ResourceList) -> String { "\(cpu(list.cpuMillicores))/\(memory(list.memoryBytes))" }
}

/// Human-readable durations.
public enum Durations {
    /// `45s`, `12m05s`, `3h02m`, `2d04h`.
    public static func text(seconds: Int64) -> String {
        let s = max(0, seconds)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        if s < 86400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
        return "\(s / 86400)d\(two(s % 86400 / 3600))h"
    }
}

/// A count with its noun for a summary line: `1 pod`, `2 pods`, or `plural` when the noun does not
/// take an "s" (`2 VPA statuses`).
public func counted(_ number: Int, _ noun: String, plural: String? = nil) -> String {
    "\(number) \(number == 1 ? noun : plural ?? noun + "s")"
}

/// The canonical text the API server writes for a quantity (VPA status, the simulated API, tables).
extension ResourceList {
    /// CPU as the API server writes the quantity: whole cores as `2`, else millicores as `250m`
    /// (the canonical DecimalSI form).
    public static func kubernetesCPU(millicores: Int64) -> String {
        millicores % 1000 == 0 ? String(millicores / 1000) : "\(millicores)m"
    }

    /// Memory as the API server writes the quantity: the largest binary suffix that divides the
    /// amount exactly (`512Mi`), else bytes (the canonical BinarySI form, which never rounds).
    public static func kubernetesMemory(bytes: Int64) -> String {
        guard bytes != 0 else { return "0" }
        for (suffix, shift) in [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)]
            where bytes % (Int64(1) << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return String(bytes)
    }
}
