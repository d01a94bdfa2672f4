extension Timestamp {
    /// Parses an RFC 3339 time as Kubernetes writes it: `2018-02-23T13:38:48Z`.
    ///
    /// Accepts fractional seconds of any length (`…48.123456789Z`; milliseconds are kept, the rest is
    /// truncated, not rounded), numeric offsets (`+02:00`, `-05:30`, converted to UTC) and lowercase
    /// `t`/`z`. Rejects date-only text, a missing offset, a space instead of `T`, and out-of-range
    /// fields (month 1–12, day valid for the month including leap years, hour 0–23, minute 0–59,
    /// offset up to 23:59).
    ///
    /// A leap second (`:60`) is accepted and counted as the first second of the next minute, so
    /// `23:59:60Z` equals the next day's `00:00:00Z`; Unix time has no leap seconds, and rolling
    /// forward (rather than clamping to `:59`) keeps times in order.
    public init(rfc3339 text: String) throws(TimestampError) {
        guard let parsed = Self.rfc3339Parts(text, fractionDigits: 3) else { throw TimestampError(text: text) }
        self.init(unixMilliseconds: parsed.seconds * 1000 + parsed.fraction)
    }

    /// The seconds since 1970-01-01T00:00:00Z and the fraction of a second in units of
    /// 10^-`fractionDigits` (digits past those truncated) of an RFC 3339 text, read by the rules of
    /// `init(rfc3339:)`; nil when `text` is not one. Kubernetes' `MicroTime` reads its six digits here.
    public static func rfc3339Parts(_ text: String, fractionDigits: Int) -> (seconds: Int64, fraction: Int64)? {
        let read = { (bytes: UnsafeBufferPointer<UInt8>) in Self.rfc3339Parts(bytes, fractionDigits: fractionDigits) }
        return text.utf8.withContiguousStorageIfAvailable(read) ?? Array(text.utf8).withUnsafeBufferPointer(read)
    }

    /// The time in UTC as RFC 3339: `2018-02-23T13:38:48Z` when the milliseconds are 0, else
    /// `2018-02-23T13:38:48.120Z` (always three digits).
    ///
    /// Years outside 0000–9999, which RFC 3339 cannot express, are written with a sign or more
    /// digits (`-0001-…`, `10000-…`) and do not parse back.
    public var rfc3339: String {
        let millisecondsPerDay: Int64 = 86_400_000
        // Floor division, so times before 1970 land on the right day.
        var days = unixMilliseconds / millisecondsPerDay
        var millisecondOfDay = unixMilliseconds % millisecondsPerDay
        if millisecondOfDay < 0 {
            days -= 1
            millisecondOfDay += millisecondsPerDay
        }
        let date = Self.civil(fromDays: days)
        let secondOfDay = millisecondOfDay / 1000
        let milliseconds = millisecondOfDay % 1000
        // Longest: "-292277022-12-31T23:59:59.999Z", 30 bytes.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var count = 0
            func putByte(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func putNumber(_ number: Int64, width: Int) {
                var divisor: Int64 = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    putByte(UInt8(ascii: "0") + UInt8(number / divisor % 10))
                    divisor /= 10
                }
            }
            if date.year < 0 { putByte(UInt8(ascii: "-")) }
            let year = date.year.magnitude
            var yearWidth = 4
            while yearWidth < 19, year >= Quantity.powerOfTen(yearWidth) { yearWidth += 1 }
            putNumber(Int64(year), width: yearWidth)
            putByte(UInt8(ascii: "-"))
            putNumber(date.month, width: 2)
            putByte(UInt8(ascii: "-"))
            putNumber(date.day, width: 2)
            putByte(UInt8(ascii: "T"))
            putNumber(secondOfDay / 3600, width: 2)
            putByte(UInt8(ascii: ":"))
            putNumber(secondOfDay / 60 % 60, width: 2)
            putByte(UInt8(ascii: ":"))
            putNumber(secondOfDay % 60, width: 2)
            if milliseconds != 0 {
                putByte(UInt8(ascii: "."))
                putNumber(milliseconds, width: 3)
            }
            putByte(UInt8(ascii: "Z"))
            return count
        }
    }

    /// `rfc3339Parts` of the text's bytes.
    private static func rfc3339Parts(_ bytes: UnsafeBufferPointer<UInt8>, fractionDigits: Int) -> (seconds: Int64, fraction: Int64)? {
        // The shortest valid text, "2018-02-23T13:38:48Z", is 20 bytes; checking that first makes every
        // fixed position below safe to read.
        guard bytes.count >= 20,
              let year = number(bytes, at: 0, digits: 4), bytes[4] == UInt8(ascii: "-"),
              let month = number(bytes, at: 5, digits: 2), bytes[7] == UInt8(ascii: "-"),
              let day = number(bytes, at: 8, digits: 2),
              bytes[10] | 0x20 == UInt8(ascii: "t"),
              let hour = number(bytes, at: 11, digits: 2), bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, at: 14, digits: 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, at: 17, digits: 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if index - fractionStart < fractionDigits {
                    fraction = fraction * 10 + Int64(bytes[index] &- UInt8(ascii: "0"))
                }
                index += 1
            }
            let digitsGiven = index - fractionStart
            guard digitsGiven > 0 else { return nil }
            for _ in digitsGiven..<max(digitsGiven, fractionDigits) { fraction *= 10 }
        }

        guard index < bytes.count else { return nil }
        var offsetMinutes: Int64 = 0
        if bytes[index] | 0x20 == UInt8(ascii: "z") {
            index += 1
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            guard bytes.count - index >= 6,
                  let offsetHour = number(bytes, at: index + 1, digits: 2), bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetMinute = number(bytes, at: index + 4, digits: 2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetMinutes = offsetHour * 60 + offsetMinute
            if bytes[index] == UInt8(ascii: "-") { offsetMinutes = -offsetMinutes }
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        // Local time minus the offset is UTC; a leap second simply adds one more second here.
        let seconds = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second
        return (seconds, fraction)
    }

    /// The value of `digits` ASCII digits starting at `start`, or `nil` if any byte is not a digit.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, digits: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + digits) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    ///
    /// Works in 400-year eras starting on March 1, so leap days fall at the end of each year and
    /// negative years need no special cases.
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

/// A text that is not an RFC 3339 time.
public struct TimestampError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rejected input, as given.
    public var text: String

    init(text: String) {
        self.text = text
    }

    /// `invalid time "2018-02-30T…": expected RFC 3339 such as 2018-02-23T13:38:48Z`.
    public var description: String {
        "invalid time \(text.debugDescription): expected RFC 3339 such as 2018-02-23T13:38:48Z"
    }
}
