/// A Kubernetes resource quantity (`250m`, `1.5`, `128Mi`, `1e3`), parsed as `resource.ParseQuantity`
/// in k8s.io/apimachinery parses it.
///
/// The magnitude is kept as whole units plus nanounits. Like Go, parsing rounds a magnitude that
/// has digits below one nanounit up (away from zero) to the next nanounit; that rounding never changes
/// `value` or `milliValue`, and it means every quantity Kubernetes can tell apart is represented
/// exactly. Quantities compare by value, so `1k`, `1000` and `1e3` are equal.
///
/// A magnitude beyond 64 bits saturates, as the API server lets it through: apimachinery caps a
/// binary-suffixed quantity (`9Ei`, `9223372036854775807Ki`) at `Int64.max` when it parses it
/// (quantity.go `maxAllowed`, and its `TestQuantityParse` cases "Things that saturate"), and keeps a
/// larger decimal one (`12E`, `1e30`) exactly, whose `Value()` Go then leaves undefined (the low 64
/// bits of a big integer). Here both cap at `Int64.max` units (sign kept) and say so in
/// `isSaturated`, so `value` is always defined and one absurd pod does not fail its whole document.
public struct Quantity: Hashable, Sendable {
    /// Whole units of the magnitude. Invariant: `whole + (nanos > 0 ? 1 : 0) <= Int64.max`.
    private var whole: UInt64
    /// Nanounits of the magnitude, `0..<1_000_000_000`.
    private var nanos: UInt32
    /// True when the quantity is below zero. Zero is never negative, so `-0` equals `0`.
    public private(set) var isNegative: Bool
    /// True when the text stood for more than `Int64.max` units and the magnitude was capped there.
    /// Not part of equality: `9Ei` equals `9223372036854775807`, as in Go.
    public private(set) var isSaturated: Bool

    private init(negative: Bool, whole: UInt64, nanos: UInt32, saturated: Bool = false) {
        self.whole = whole
        self.nanos = nanos
        self.isNegative = negative && (whole != 0 || nanos != 0)
        self.isSaturated = saturated
    }

    /// The largest magnitude, `Int64.max` units, with the sign of the text.
    private static func saturated(negative: Bool) -> Quantity {
        Quantity(negative: negative, whole: UInt64(Int64.max), nanos: 0, saturated: true)
    }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool {
        lhs.whole == rhs.whole && lhs.nanos == rhs.nanos && lhs.isNegative == rhs.isNegative
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(whole)
        hasher.combine(nanos)
        hasher.combine(isNegative)
    }

    /// Parses a quantity such as `250m`, `0.5`, `128Mi`, `1Gi` or `1e3`.
    ///
    /// Accepts exactly `[+-]<number><suffix>`, where the number is `1`, `1.5`, `1.` or `.5` and the
    /// suffix is empty, a decimal SI suffix (`n u m k M G T P E`), a binary SI suffix
    /// (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent (`e3`, `E-3`, `e+3`). No whitespace anywhere.
    /// Throws when the text does not match. A magnitude beyond `Int64.max` units saturates there
    /// (`isSaturated`).
    public static func parse(_ text: String) throws(QuantityError) -> Quantity {
        try parse(text, arithmetic: .automatic)
    }

    /// Which arithmetic `parse(_:arithmetic:)` uses. Exists so tests can check that the 64-bit fast path
    /// and the arbitrary-precision path agree.
    package enum Arithmetic: Sendable {
        /// 64-bit arithmetic when the digits allow it, otherwise arbitrary precision (what `parse` uses).
        case automatic
        /// Always arbitrary precision.
        case arbitraryPrecision
    }

    /// `parse(_:)` with a choice of arithmetic, for tests.
    package static func parse(_ text: String, arithmetic: Arithmetic) throws(QuantityError) -> Quantity {
        let result = text.utf8.withContiguousStorageIfAvailable { parse(utf8: $0, arithmetic: arithmetic) }
            ?? Array(text.utf8).withUnsafeBufferPointer { parse(utf8: $0, arithmetic: arithmetic) }
        switch result {
        case .success(let quantity):
            return quantity
        case .failure(let failure):
            throw QuantityError(text: text, failure: failure)
        }
    }

    /// The value rounded up to a whole unit, away from zero, as `Quantity.Value()` does
    /// (`1.5` → 2, `-1.5` → -2, `1n` → 1). Memory is counted this way, in bytes. Always exact.
    public var value: Int64 {
        // The invariant guarantees this fits.
        let magnitude = Int64(whole) + (nanos > 0 ? 1 : 0)
        return isNegative ? -magnitude : magnitude
    }

    /// The value in thousandths, rounded up away from zero, as `Quantity.MilliValue()` does
    /// (`250m` → 250, `0.5` → 500, `100u` → 1, `-1.5m` → -2). CPU is counted this way, in millicores.
    ///
    /// A magnitude too large for `Int64` thousandths (above about 9.2e15, e.g. `1Ei`) is clamped to
    /// `Int64.max` (or `-Int64.max`); Go would return an undefined value there.
    public var milliValue: Int64 {
        exactMilliValue ?? (isNegative ? -Int64.max : Int64.max)
    }

    /// `milliValue`, or `nil` when it does not fit in `Int64`.
    var exactMilliValue: Int64? {
        let (milli, overflow) = Int64(whole).multipliedReportingOverflow(by: 1000)
        // nanos < 1e9, so this is at most 1000 and cannot overflow UInt32.
        let (magnitude, carry) = milli.addingReportingOverflow(Int64((nanos + 999_999) / 1_000_000))
        guard !overflow, !carry else { return nil }
        return isNegative ? -magnitude : magnitude
    }
}

// MARK: - Parsing

extension Quantity {
    /// Why a text is not a quantity, without building any string until an error is reported.
    enum ParseFailure: Error {
        case empty
        case whitespace
        case noNumber
        case extraDecimalPoint
        case unknownSuffix(String)
    }

    /// What a magnitude beyond `Int64.max` units becomes: the cap, flagged, with the text's sign.
    private static func tooLarge(_ negative: Bool) -> Result<Quantity, ParseFailure> { .success(saturated(negative: negative)) }

    private static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>,
                              arithmetic: Arithmetic) -> Result<Quantity, ParseFailure> {
        let end = bytes.count
        guard end > 0 else { return .failure(.empty) }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            index = 1
        }
        let numberStart = index
        while index < end, isDigit(bytes[index]) { index += 1 }
        // Where the decimal point is, or would be: digit exponents are counted from here.
        let point = index
        var hasDigits = index > numberStart
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end, isDigit(bytes[index]) { index += 1 }
            hasDigits = hasDigits || index > fractionStart
        }
        let numberEnd = index
        guard hasDigits else {
            return .failure(containsWhitespace(bytes) ? .whitespace : .noNumber)
        }
        guard let exponents = suffixExponents(bytes, from: numberEnd) else {
            if containsWhitespace(bytes) { return .failure(.whitespace) }
            if bytes[numberEnd] == UInt8(ascii: ".") { return .failure(.extraDecimalPoint) }
            let suffix = String(decoding: UnsafeBufferPointer(rebasing: bytes[numberEnd...]), as: UTF8.self)
            return .failure(.unknownSuffix(suffix))
        }

        // Only significant digits enter the arithmetic, so "0.000…0001" and "1000…000" stay small.
        var first = numberStart
        while first < numberEnd, bytes[first] == UInt8(ascii: "0") || bytes[first] == UInt8(ascii: ".") {
            first += 1
        }
        if first == numberEnd {
            return .success(Quantity(negative: false, whole: 0, nanos: 0))
        }
        var last = numberEnd - 1
        // Stops at the latest at `first`, which holds a nonzero digit.
        while bytes[last] == UInt8(ascii: "0") || bytes[last] == UInt8(ascii: ".") { last -= 1 }
        let pointInside = first < point && point < last
        let digitCount = last - first + 1 - (pointInside ? 1 : 0)
        let lastDigitExponent = last < point ? point - 1 - last : point - last
        // The value is N × 10^exponent × 2^exponent2, with N the significant digits (1 <= N < 10^digitCount).
        let exponent = lastDigitExponent + exponents.decimal
        // Nanounits: N × 2^exponent2 × 10^nanoExponent.
        let nanoExponent = exponent + 9

        // The largest magnitude allowed is Int64.max units < 10^28 nanounits, and N ≥ 10^(digitCount-1).
        if digitCount - 1 + nanoExponent >= 28 { return tooLarge(negative) }
        // N × 2^60 < 10^(digitCount+19), so below that many places the value is a nonzero fraction of a nanounit.
        if nanoExponent < 0, -nanoExponent >= digitCount + 19 {
            return .success(Quantity(negative: negative, whole: 0, nanos: 1))
        }
        if arithmetic == .automatic, digitCount <= 19, exponent >= -19 {
            return magnitude64(bytes, first: first, last: last, exponent: exponent, exponent2: exponents.binary,
                               negative: negative)
        }
        return magnitudeArbitrary(bytes, first: first, last: last, digitCount: digitCount,
                                  nanoExponent: nanoExponent, exponent2: exponents.binary, negative: negative)
    }

    /// The decimal and binary exponents a suffix stands for, or `nil` when it is not a suffix.
    private static func suffixExponents(_ bytes: UnsafeBufferPointer<UInt8>,
                                        from start: Int) -> (decimal: Int, binary: Int)? {
        let end = bytes.count
        let length = end - start
        if length == 0 { return (0, 0) }
        let first = bytes[start]
        if length == 1 {
            switch first {
            case UInt8(ascii: "n"): return (-9, 0)
            case UInt8(ascii: "u"): return (-6, 0)
            case UInt8(ascii: "m"): return (-3, 0)
            case UInt8(ascii: "k"): return (3, 0)
            case UInt8(ascii: "M"): return (6, 0)
            case UInt8(ascii: "G"): return (9, 0)
            case UInt8(ascii: "T"): return (12, 0)
            case UInt8(ascii: "P"): return (15, 0)
            // "E" alone is exa; "E3" below is an exponent.
            case UInt8(ascii: "E"): return (18, 0)
            default: return nil
            }
        }
        if length == 2, bytes[start + 1] == UInt8(ascii: "i") {
            switch first {
            case UInt8(ascii: "K"): return (0, 10)
            case UInt8(ascii: "M"): return (0, 20)
            case UInt8(ascii: "G"): return (0, 30)
            case UInt8(ascii: "T"): return (0, 40)
            case UInt8(ascii: "P"): return (0, 50)
            case UInt8(ascii: "E"): return (0, 60)
            default: break
            }
        }
        guard first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return nil }
        var index = start + 1
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end else { return nil }
        // Clamped: anything this far out is already too large or below a nanounit, and clamping keeps
        // later exponent arithmetic from overflowing.
        let limit = 1_000_000_000
        var exponent = 0
        while index < end {
            guard isDigit(bytes[index]) else { return nil }
            exponent = Swift.min(exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0")), limit)
            index += 1
        }
        return (negative ? -exponent : exponent, 0)
    }

    /// The magnitude in 64-bit arithmetic, for N < 10^19 and exponent >= -19: every common quantity.
    private static func magnitude64(_ bytes: UnsafeBufferPointer<UInt8>, first: Int, last: Int, exponent: Int,
                                    exponent2: Int, negative: Bool) -> Result<Quantity, ParseFailure> {
        var significand: UInt64 = 0
        for index in first...last where bytes[index] != UInt8(ascii: ".") {
            significand = significand * 10 + UInt64(bytes[index] &- UInt8(ascii: "0"))
        }
        let binary: UInt64 = 1 << UInt64(exponent2)
        if exponent >= 0 {
            // The caller's size check bounds exponent by 19, so 10^exponent fits.
            let (scaled, overflow1) = significand.multipliedReportingOverflow(by: powerOfTen(exponent))
            let (whole, overflow2) = scaled.multipliedReportingOverflow(by: binary)
            guard !overflow1, !overflow2 else { return tooLarge(negative) }
            return make(negative: negative, whole: whole, nanos: 0)
        }
        let divisor = powerOfTen(-exponent)
        let product = significand.multipliedFullWidth(by: binary)
        // Otherwise the whole part would not fit in 64 bits.
        guard product.high < divisor else { return tooLarge(negative) }
        let (whole, remainder) = divisor.dividingFullWidth(product)
        // remainder < divisor, so the quotient is below 10^9.
        let (nanos, rest) = divisor.dividingFullWidth(remainder.multipliedFullWidth(by: 1_000_000_000))
        return make(negative: negative, whole: whole, nanos: nanos + (rest == 0 ? 0 : 1))
    }

    /// The magnitude in arbitrary precision: many digits, or digits far below the decimal point.
    private static func magnitudeArbitrary(_ bytes: UnsafeBufferPointer<UInt8>, first: Int, last: Int,
                                           digitCount: Int, nanoExponent: Int, exponent2: Int,
                                           negative: Bool) -> Result<Quantity, ParseFailure> {
        // Little-endian base-2^32 limbs of the nanounit count.
        var limbs: [UInt32] = []
        limbs.reserveCapacity(12)
        var places = nanoExponent < 0 ? -nanoExponent : 0
        var keptDigits = digitCount
        // The result is ceil(N × 2^exponent2 / 10^places). Its rounding boundaries fall on multiples of
        // 10^(places-60), so digits below that can be replaced by a single nonzero digit without changing
        // the result; that bounds the work for inputs with thousands of digits.
        if places > 61 {
            let dropped = places - 60
            keptDigits = digitCount - dropped
            places = 61
        }
        var used = 0
        for index in first...last where bytes[index] != UInt8(ascii: ".") {
            guard used < keptDigits else { break }
            multiplyAdd(&limbs, 10, UInt32(bytes[index] &- UInt8(ascii: "0")))
            used += 1
        }
        if keptDigits < digitCount {
            // The dropped digits end with `last`, which is nonzero.
            multiplyAdd(&limbs, 10, 1)
        }
        for _ in 0..<(exponent2 / 10) { multiplyAdd(&limbs, 1024, 0) }
        if nanoExponent >= 0 {
            // Bounded by 28 by the caller's size check.
            for _ in 0..<nanoExponent { multiplyAdd(&limbs, 10, 0) }
        } else {
            var inexact = false
            for _ in 0..<places {
                if divide(&limbs, by: 10) != 0 { inexact = true }
            }
            // Round up, as Go does, to the next nanounit.
            if inexact { multiplyAdd(&limbs, 1, 1) }
        }
        let nanos = divide(&limbs, by: 1_000_000_000)
        guard limbs.count <= 2 else { return tooLarge(negative) }
        let whole = limbs.reversed().reduce(UInt64(0)) { $0 << 32 | UInt64($1) }
        return make(negative: negative, whole: whole, nanos: nanos)
    }

    /// A quantity from a magnitude whose nanounits may have rounded up to a full unit, saturated beyond `Int64.max`.
    private static func make(negative: Bool, whole: UInt64, nanos: UInt64) -> Result<Quantity, ParseFailure> {
        var whole = whole
        var nanos = nanos
        if nanos == 1_000_000_000 {
            guard whole < UInt64.max else { return tooLarge(negative) }
            whole += 1
            nanos = 0
        }
        let limit = UInt64(Int64.max)
        guard whole < limit || (whole == limit && nanos == 0) else { return tooLarge(negative) }
        return .success(Quantity(negative: negative, whole: whole, nanos: UInt32(nanos)))
    }

    /// limbs = limbs × factor + addend.
    private static func multiplyAdd(_ limbs: inout [UInt32], _ factor: UInt32, _ addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    /// limbs = limbs / divisor; returns the remainder.
    private static func divide(_ limbs: inout [UInt32], by divisor: UInt32) -> UInt64 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while limbs.last == 0 { limbs.removeLast() }
        return remainder
    }

    /// 10 to the `exponent` (0 to 19, the powers a `UInt64` holds).
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private static func containsWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 == 0x20 || (0x09...0x0D).contains($0) }
    }
}

// MARK: - Errors

/// A text that is not a Kubernetes quantity.
public struct QuantityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rejected input, as given.
    public var text: String
    /// What is wrong, as a sentence fragment: `unknown suffix "KiB"`, `contains whitespace`.
    public var reason: String

    init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    init(text: String, failure: Quantity.ParseFailure) {
        let reason = switch failure {
        case .empty: "is empty"
        case .whitespace: "contains whitespace"
        case .noNumber: "does not start with a number"
        case .extraDecimalPoint: "has more than one decimal point"
        case .unknownSuffix(let suffix): "unknown suffix \(suffix.debugDescription)"
        }
        self.init(text: text, reason: reason)
    }

    /// `invalid quantity "1KiB": unknown suffix "KiB" (expected a number with an optional suffix such as …)`.
    public var description: String {
        "invalid quantity \(text.debugDescription): \(reason) (expected a number with an optional suffix such as 250m, 1.5, 128Mi, 1Gi, 1e3)"
    }
}

// MARK: - Resource lists

extension ResourceList {
    /// Builds a list from a Kubernetes resource map (`["cpu": "250m", "memory": "128Mi"]`).
    ///
    /// Keys other than `cpu` and `memory` (such as `nvidia.com/gpu`) are validated as quantities but not
    /// kept. Negative values are errors. An amount beyond 64 bits saturates (see `Quantity`), and so
    /// does a CPU amount whose millicores do not fit in `Int64` (`Int64.max`).
    /// When several entries are bad, the error names the alphabetically first key, so the message does
    /// not depend on dictionary order.
    public init(kubernetes map: [String: String]) throws(ResourceListError) {
        var saturated: [String] = []
        try self.init(kubernetes: map, saturated: &saturated)
    }

    /// `init(kubernetes:)`, adding to `saturated` the keys whose amounts were capped, in key order,
    /// so a decoder can say which field of which object it changed.
    public init(kubernetes map: [String: String], saturated: inout [String]) throws(ResourceListError) {
        var cappedKeys: [String] = []
        var cpuMillicores: Int64?
        var memoryBytes: Int64?
        var firstError: ResourceListError?
        for (resource, text) in map {
            let problem: ResourceListError?
            do throws(QuantityError) {
                let quantity = try Quantity.parse(text)
                if quantity.isNegative {
                    problem = ResourceListError(resource: resource, underlying: nil, text: text)
                } else if resource == "cpu" {
                    cpuMillicores = quantity.milliValue
                    if quantity.isSaturated || quantity.exactMilliValue == nil { cappedKeys.append(resource) }
                    problem = nil
                } else {
                    if resource == "memory" { memoryBytes = quantity.value }
                    if quantity.isSaturated { cappedKeys.append(resource) }
                    problem = nil
                }
            } catch {
                problem = ResourceListError(resource: resource, underlying: error, text: text)
            }
            if let problem, firstError.map({ problem.resource < $0.resource }) ?? true {
                firstError = problem
            }
        }
        if let firstError { throw firstError }
        saturated += cappedKeys.sorted()
        self.init(cpuMillicores: cpuMillicores, memoryBytes: memoryBytes)
    }
}

/// A bad entry of a Kubernetes resource map: not a quantity, or negative.
public struct ResourceListError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The key of the bad entry, such as `memory`.
    public var resource: String
    /// Why the value is not a quantity; `nil` when the problem is a negative value.
    public var underlying: QuantityError?
    /// The rejected value, for the message about negative values.
    var text: String

    init(resource: String, underlying: QuantityError?, text: String) {
        self.resource = resource
        self.underlying = underlying
        self.text = text
    }

    /// `memory: invalid quantity "12x": …`, or `cpu: quantity "-1" is negative; …`.
    public var description: String {
        if let underlying {
            return "\(resource): \(underlying)"
        }
        return "\(resource): quantity \(text.debugDescription) is negative; requests and limits must not be negative"
    }
}
