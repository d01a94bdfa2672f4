// The C math library, imported in this one file so no other file needs a platform import.
// Upstream uses Go's `math` package; these are the libm functions with the same definitions
// (results can differ from Go's own implementations in the last unit of precision).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The natural logarithm of `x` (Go `math.Log`).
func naturalLogarithm(_ x: Double) -> Double {
    log(x)
}

/// `base` raised to `exponent` (Go `math.Pow`).
func power(_ base: Double, _ exponent: Double) -> Double {
    pow(base, exponent)
}

/// 2 raised to `exponent` (Go `math.Exp2`).
func twoToThePower(_ exponent: Double) -> Double {
    exp2(exponent)
}

/// 2 raised to an integer `exponent`, exact, 0 or infinity when out of range (Go `math.Ldexp(1, exponent)`).
func twoToTheIntegerPower(_ exponent: Int) -> Double {
    scalbn(1.0, Int32(clamping: exponent))
}
