// The C math library, imported in this one file so no other file needs a platform import.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cosine of `x` radians.
func cosine(_ x: Double) -> Double {
    cos(x)
}
