import Testing
import VPAModel

@Suite struct QuantityTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var value: Int64
        var milliValue: Int64
        var isNegative = false
        var testDescription: String { text.debugDescription }
    }

    /// Milli values of quantities at or above about 9.2e15 do not fit in Int64 and are clamped.
    static let clamped = Int64.max

    static let valid: [Valid] = [
        // Kubernetes' own ParseQuantity table.
        Valid(text: "0", value: 0, milliValue: 0),
        Valid(text: "1m", value: 1, milliValue: 1),
        Valid(text: "1", value: 1, milliValue: 1000),
        Valid(text: "1k", value: 1000, milliValue: 1_000_000),
        Valid(text: "1Ki", value: 1024, milliValue: 1_024_000),
        Valid(text: "1M", value: 1_000_000, milliValue: 1_000_000_000),
        Valid(text: "1Mi", value: 1_048_576, milliValue: 1_048_576_000),
        Valid(text: "1G", value: 1_000_000_000, milliValue: 1_000_000_000_000),
        Valid(text: "1Gi", value: 1_073_741_824, milliValue: 1_073_741_824_000),
        Valid(text: "1T", value: 1_000_000_000_000, milliValue: 1_000_000_000_000_000),
        Valid(text: "1Ti", value: 1_099_511_627_776, milliValue: 1_099_511_627_776_000),
        Valid(text: "1P", value: 1_000_000_000_000_000, milliValue: 1_000_000_000_000_000_000),
        Valid(text: "1Pi", value: 1_125_899_906_842_624, milliValue: 1_125_899_906_842_624_000),
        Valid(text: "1E", value: 1_000_000_000_000_000_000, milliValue: clamped),
        Valid(text: "1Ei", value: 1_152_921_504_606_846_976, milliValue: clamped),
        Valid(text: "7Ei", value: 8_070_450_532_247_928_832, milliValue: clamped),
        Valid(text: "1e3", value: 1000, milliValue: 1_000_000),
        Valid(text: "1E3", value: 1000, milliValue: 1_000_000),
        Valid(text: "1e+3", value: 1000, milliValue: 1_000_000),
        Valid(text: "1E+3", value: 1000, milliValue: 1_000_000),
        Valid(text: "1e0", value: 1, milliValue: 1000),
        Valid(text: "1e-3", value: 1, milliValue: 1),
        Valid(text: "129e6", value: 129_000_000, milliValue: 129_000_000_000),
        Valid(text: "129M", value: 129_000_000, milliValue: 129_000_000_000),
        Valid(text: "123Mi", value: 128_974_848, milliValue: 128_974_848_000),
        // CPU and memory as they appear in pod specs.
        Valid(text: "250m", value: 1, milliValue: 250),
        Valid(text: "100m", value: 1, milliValue: 100),
        Valid(text: "0.5", value: 1, milliValue: 500),
        Valid(text: "2", value: 2, milliValue: 2000),
        Valid(text: "1.5", value: 2, milliValue: 1500),
        Valid(text: "1.5Gi", value: 1_610_612_736, milliValue: 1_610_612_736_000),
        Valid(text: "0.5Ki", value: 512, milliValue: 512_000),
        // Number forms.
        Valid(text: ".5", value: 1, milliValue: 500),
        Valid(text: "5.", value: 5, milliValue: 5000),
        Valid(text: "1.G", value: 1_000_000_000, milliValue: 1_000_000_000_000),
        Valid(text: "+1", value: 1, milliValue: 1000),
        Valid(text: "000123", value: 123, milliValue: 123_000),
        Valid(text: "00.100", value: 1, milliValue: 100),
        Valid(text: "0.000", value: 0, milliValue: 0),
        Valid(text: "0e400", value: 0, milliValue: 0),
        Valid(text: "-0", value: 0, milliValue: 0),
        // Tiny amounts round up to one unit / one milli, never down to zero.
        Valid(text: "100u", value: 1, milliValue: 1),
        Valid(text: "1n", value: 1, milliValue: 1),
        Valid(text: "0.1m", value: 1, milliValue: 1),
        Valid(text: "1e-10", value: 1, milliValue: 1),
        Valid(text: "1e-400", value: 1, milliValue: 1),
        Valid(text: "0.000000000000000000001", value: 1, milliValue: 1),
        Valid(text: "0.0015", value: 1, milliValue: 2),
        Valid(text: "1.0001", value: 2, milliValue: 1001),
        Valid(text: "1.000000000000000000000000000001", value: 2, milliValue: 1001),
        // Binary suffixes with fractions are exact, not floating point.
        Valid(text: "0.001Ki", value: 2, milliValue: 1024),
        Valid(text: "0.0001Ki", value: 1, milliValue: 103),
        Valid(text: "1.1Mi", value: 1_153_434, milliValue: 1_153_433_600),
        Valid(text: "0.0000000001Ei", value: 115_292_151, milliValue: 115_292_150_461),
        // Exactly 3 × 2^-60 Ei = 3: no rounding may creep in from the 43 significant digits.
        Valid(text: "0.000000000000000002602085213965210641617886722087860107421875Ei", value: 3, milliValue: 3000),
        // A nonzero digit 100 places down still rounds up, however far below a nanounit it is.
        Valid(text: "1." + String(repeating: "0", count: 100) + "1", value: 2, milliValue: 1001),
        Valid(text: "1." + String(repeating: "0", count: 100) + "1Ei", value: 1_152_921_504_606_846_977,
              milliValue: clamped),
        // Digits beyond 64 bits that still denote a representable value.
        Valid(text: "12345678901234567890e-10", value: 1_234_567_891, milliValue: 1_234_567_890_124),
        Valid(text: "9223372036854775807000m", value: Int64.max, milliValue: clamped),
        // The largest magnitude.
        Valid(text: "9223372036854775807", value: Int64.max, milliValue: clamped),
        Valid(text: "9223372036854775.807k", value: Int64.max, milliValue: clamped),
        Valid(text: "9223372036854775.807", value: 9_223_372_036_854_776, milliValue: 9_223_372_036_854_775_807),
        // Negative values round away from zero, as Go's Value() and MilliValue() do.
        Valid(text: "-1", value: -1, milliValue: -1000, isNegative: true),
        Valid(text: "-1.5", value: -2, milliValue: -1500, isNegative: true),
        Valid(text: "-250m", value: -1, milliValue: -250, isNegative: true),
        Valid(text: "-1.5m", value: -1, milliValue: -2, isNegative: true),
        Valid(text: "-1e-400", value: -1, milliValue: -1, isNegative: true),
        Valid(text: "-1Ei", value: -1_152_921_504_606_846_976, milliValue: -clamped, isNegative: true),
        Valid(text: "-9223372036854775807", value: -Int64.max, milliValue: -clamped, isNegative: true),
    ]

    @Test(arguments: valid)
    func parsesValidQuantity(_ example: Valid) throws {
        let quantity = try Quantity.parse(example.text)
        #expect(quantity.value == example.value)
        #expect(quantity.milliValue == example.milliValue)
        #expect(quantity.isNegative == example.isNegative)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var reason: String
        var testDescription: String { text.debugDescription }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "", reason: "is empty"),
        Invalid(text: " ", reason: "contains whitespace"),
        Invalid(text: " 1", reason: "contains whitespace"),
        Invalid(text: "1 ", reason: "contains whitespace"),
        Invalid(text: "1 Mi", reason: "contains whitespace"),
        Invalid(text: "1\t", reason: "contains whitespace"),
        Invalid(text: "1\n", reason: "contains whitespace"),
        Invalid(text: "1.2.3", reason: "has more than one decimal point"),
        Invalid(text: "1..2", reason: "has more than one decimal point"),
        Invalid(text: "Ki", reason: "does not start with a number"),
        Invalid(text: "abc", reason: "does not start with a number"),
        Invalid(text: "--1", reason: "does not start with a number"),
        Invalid(text: "+-1", reason: "does not start with a number"),
        Invalid(text: "-", reason: "does not start with a number"),
        Invalid(text: "+", reason: "does not start with a number"),
        Invalid(text: ".", reason: "does not start with a number"),
        Invalid(text: "-.Mi", reason: "does not start with a number"),
        Invalid(text: "\u{FF11}", reason: "does not start with a number"),
        Invalid(text: "1KiB", reason: #"unknown suffix "KiB""#),
        Invalid(text: "1ki", reason: #"unknown suffix "ki""#),
        Invalid(text: "1K", reason: #"unknown suffix "K""#),
        Invalid(text: "1mi", reason: #"unknown suffix "mi""#),
        Invalid(text: "1i", reason: #"unknown suffix "i""#),
        Invalid(text: ".5i", reason: #"unknown suffix "i""#),
        Invalid(text: "1Mi3", reason: #"unknown suffix "Mi3""#),
        Invalid(text: "1e", reason: #"unknown suffix "e""#),
        Invalid(text: "1e+", reason: #"unknown suffix "e+""#),
        Invalid(text: "1e--3", reason: #"unknown suffix "e--3""#),
        Invalid(text: "1ee3", reason: #"unknown suffix "ee3""#),
        Invalid(text: "1e3.5", reason: #"unknown suffix "e3.5""#),
        Invalid(text: "1e3e3", reason: #"unknown suffix "e3e3""#),
        Invalid(text: "1ei", reason: #"unknown suffix "ei""#),
        Invalid(text: "0x10", reason: #"unknown suffix "x10""#),
        Invalid(text: "1-", reason: #"unknown suffix "-""#),
        Invalid(text: "1,5", reason: #"unknown suffix ",5""#),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidQuantity(_ example: Invalid) throws {
        let error = try #require(throws: QuantityError.self) { try Quantity.parse(example.text) }
        #expect(error.text == example.text)
        #expect(error.reason == example.reason)
    }

    @Test func errorDescriptionQuotesTheInputAndShowsExamples() throws {
        let error = try #require(throws: QuantityError.self) { try Quantity.parse("1KiB") }
        #expect(error.description == #"invalid quantity "1KiB": unknown suffix "KiB" (expected a number with an optional suffix such as 250m, 1.5, 128Mi, 1Gi, 1e3)"#)
    }

    /// Beyond 64 bits a quantity saturates at Int64.max units with its sign, and says so (issue 14,
    /// item 4). apimachinery quantity_test.go `TestQuantityParse`, "Things that saturate": `9Ei` and
    /// `9223372036854775807Ki` parse to `maxAllowed` (Int64.max). Go keeps `12E` exactly (and its
    /// `Value()` is then undefined); here every magnitude past the cap saturates.
    @Test(arguments: [
        ("9Ei", false), ("9223372036854775807Ki", false), ("-9Ei", true), ("+9Ei", false),
        ("12E", false), ("10E", false), ("8Ei", false), ("-8Ei", true), ("8192Pi", false),
        ("12345678901234567890", false), ("9223372036854775808", false), ("9223372036854775807.1", false),
        ("9223372036854775807001m", false), ("-9223372036854775808", true), ("1e19", false), ("1e400", false),
        ("1e99999999999999999999999", false), ("1000000000000000000000000000000e-11", false),
    ])
    func beyond64BitsSaturatesAtTheLargestValue(_ text: String, negative: Bool) throws {
        let quantity = try Quantity.parse(text)
        #expect(quantity.isSaturated, "\(text)")
        #expect(quantity.value == (negative ? -Int64.max : Int64.max), "\(text)")
        // Equal by value to the largest exact quantity, as `maxAllowed` is in Go.
        #expect(quantity == (try Quantity.parse(negative ? "-9223372036854775807" : "9223372036854775807")))
    }

    @Test func theLargestExactValuesDoNotSaturate() throws {
        for text in ["9223372036854775807", "-9223372036854775807", "7Ei", "9223372036854775807000m", "8191Pi", "1e18"] {
            let quantity = try Quantity.parse(text)
            #expect(!quantity.isSaturated, "\(text)")
        }
        #expect(try Quantity.parse("9223372036854775807").value == Int64.max)
    }

    @Test func errorDescriptionEscapesControlCharacters() throws {
        let error = try #require(throws: QuantityError.self) { try Quantity.parse("1\"\n") }
        #expect(error.description.hasPrefix(#"invalid quantity "1\"\n": contains whitespace"#))
    }

    @Test(arguments: [
        ["1k", "1000", "1e3", "1E3", "0.000001G", "1000000m", "+1000", "1000.000"],
        ["1Ki", "1024", "1.024k"],
        ["0", "-0", "0.0", "0Gi", "0e400", "-0.000"],
        ["1n", "0.000000001", "1e-9", "1e-10", "0.0000000001"],
        ["-1.5", "-1500m", "-1.5e0"],
    ])
    func equalValuesAreEqualQuantities(_ spellings: [String]) throws {
        let quantities = try spellings.map { try Quantity.parse($0) }
        for quantity in quantities.dropFirst() {
            #expect(quantity == quantities[0])
            #expect(quantity.hashValue == quantities[0].hashValue)
        }
    }

    @Test(arguments: [
        ("1", "1.000000001"),
        ("1", "-1"),
        ("1Ki", "1k"),
        ("0", "1n"),
        ("0.5", "0.6"),
    ])
    func differentValuesAreDifferentQuantities(_ left: String, _ right: String) throws {
        #expect(try Quantity.parse(left) != Quantity.parse(right))
    }

    @Test func veryLongInputsFinishAndStayExact() throws {
        let manyNines = String(repeating: "9", count: 100_000)
        // 0.999… with 100,000 nines: just below one.
        let belowOne = try Quantity.parse("0." + manyNines)
        #expect(belowOne.value == 1)
        #expect(belowOne.milliValue == 1000)
        let scaled = try Quantity.parse(manyNines + "e-100000")
        #expect(scaled == belowOne)
        let tiny = try Quantity.parse("0." + String(repeating: "0", count: 100_000) + "1")
        #expect(tiny.value == 1 && tiny.milliValue == 1)
        let huge = try Quantity.parse("1" + String(repeating: "0", count: 100_000))
        #expect(huge.isSaturated && huge.value == Int64.max)
        let manyZeros = try Quantity.parse("2" + String(repeating: "0", count: 100_000) + "e-100000")
        #expect(manyZeros.value == 2)
    }

    // MARK: Fast and arbitrary-precision arithmetic agree

    static let numbers = [
        "0", "1", "7", ".5", "1.5", "123.456", "0.000000001", "0.0000000000001", "999999999999999999",
        "9223372036854775807", "18446744073709551615", "1234567890123456789012", "0.1234567890123456789012",
        "-3.25", "-0.0001",
    ]
    static let suffixes = [
        "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
        "e-30", "e-25", "e-19", "e-12", "e5", "e18",
    ]

    @Test(arguments: numbers)
    func fastPathMatchesArbitraryPrecision(_ number: String) {
        for suffix in Self.suffixes {
            let text = number + suffix
            let fast = Result { () throws(QuantityError) in try Quantity.parse(text, arithmetic: .automatic) }
            let exact = Result { () throws(QuantityError) in try Quantity.parse(text, arithmetic: .arbitraryPrecision) }
            #expect(fast == exact, "\(text)")
        }
    }

    @Test(arguments: valid)
    func arbitraryPrecisionAgreesWithTable(_ example: Valid) throws {
        let quantity = try Quantity.parse(example.text, arithmetic: .arbitraryPrecision)
        #expect(quantity.value == example.value)
        #expect(quantity.milliValue == example.milliValue)
    }

    // MARK: Resource lists

    @Test func resourceListReadsCPUAndMemory() throws {
        let list = try ResourceList(kubernetes: ["cpu": "250m", "memory": "128Mi"])
        #expect(list == ResourceList(cpuMillicores: 250, memoryBytes: 134_217_728))
    }

    @Test func resourceListLeavesAbsentResourcesUnset() throws {
        #expect(try ResourceList(kubernetes: [:]).isEmpty)
        #expect(try ResourceList(kubernetes: ["cpu": "2"]) == ResourceList(cpuMillicores: 2000))
        #expect(try ResourceList(kubernetes: ["memory": "1.5Gi"]) == ResourceList(memoryBytes: 1_610_612_736))
    }

    @Test func resourceListValidatesButDropsOtherResources() throws {
        let list = try ResourceList(kubernetes: ["cpu": "1", "nvidia.com/gpu": "2", "ephemeral-storage": "1Gi"])
        #expect(list == ResourceList(cpuMillicores: 1000))
        let error = try #require(throws: ResourceListError.self) {
            try ResourceList(kubernetes: ["cpu": "1", "nvidia.com/gpu": "1x"])
        }
        #expect(error.resource == "nvidia.com/gpu")
        #expect(error.underlying?.reason == #"unknown suffix "x""#)
    }

    @Test func resourceListErrorNamesTheResource() throws {
        let error = try #require(throws: ResourceListError.self) {
            try ResourceList(kubernetes: ["cpu": "1", "memory": "12x"])
        }
        #expect(error.resource == "memory")
        #expect(error.underlying?.text == "12x")
        #expect(error.description == #"memory: invalid quantity "12x": unknown suffix "x" (expected a number with an optional suffix such as 250m, 1.5, 128Mi, 1Gi, 1e3)"#)
    }

    @Test(arguments: ["cpu", "memory", "nvidia.com/gpu"])
    func resourceListRejectsNegativeValues(_ resource: String) throws {
        let error = try #require(throws: ResourceListError.self) {
            try ResourceList(kubernetes: [resource: "-1"])
        }
        #expect(error.resource == resource)
        #expect(error.underlying == nil)
        #expect(error.description == "\(resource): quantity \"-1\" is negative; requests and limits must not be negative")
    }

    @Test func resourceListAcceptsNegativeZero() throws {
        #expect(try ResourceList(kubernetes: ["cpu": "-0", "memory": "-0Mi"]) == ResourceList(cpuMillicores: 0, memoryBytes: 0))
    }

    @Test func resourceListSaturatesAndNamesWhatItCapped() throws {
        // 1Ei bytes of memory fit in Int64; 1Ei cores in millicores do not, and saturate.
        var saturated: [String] = []
        #expect(try ResourceList(kubernetes: ["memory": "1Ei"], saturated: &saturated) == ResourceList(memoryBytes: 1_152_921_504_606_846_976))
        #expect(saturated.isEmpty)
        let list = try ResourceList(kubernetes: ["cpu": "1Ei", "memory": "9Ei", "nvidia.com/gpu": "1"], saturated: &saturated)
        #expect(list == ResourceList(cpuMillicores: Int64.max, memoryBytes: Int64.max))
        #expect(saturated == ["cpu", "memory"])
        // The largest CPU amount that still fits is exact.
        saturated = []
        let largest = try ResourceList(kubernetes: ["cpu": "9223372036854775807m"], saturated: &saturated)
        #expect(largest.cpuMillicores == Int64.max)
        #expect(saturated.isEmpty)
    }

    @Test func resourceListReportsTheAlphabeticallyFirstBadKey() throws {
        // Dictionary order varies between runs; the reported key must not.
        for _ in 0..<20 {
            var map = ["zzz": "bad", "memory": "x", "cpu": "-1", "aaa": "1"]
            map.reserveCapacity(Int.random(in: 4...64))
            let error = try #require(throws: ResourceListError.self) { try ResourceList(kubernetes: map) }
            #expect(error.resource == "cpu")
        }
    }
}
