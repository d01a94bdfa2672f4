/// Where a value sits in a document (`items[3].spec.containers[0].name`).
///
/// Built one step per field as the decoders descend, and rendered to text only when an error needs
/// it: most documents decode without error, so the common path never formats a path.
indirect enum FieldPath: Sendable, CustomStringConvertible {
    case root
    case member(FieldPath, String)
    case element(FieldPath, Int)

    /// The path of member `key` of the value at this path.
    func appending(_ key: String) -> FieldPath { .member(self, key) }

    /// The path of element `index` of the array at this path.
    func appending(index: Int) -> FieldPath { .element(self, index) }

    /// One step of a path.
    enum Component: Equatable {
        case member(String)
        case element(Int)
    }

    /// The steps from the document root to this value.
    var components: [Component] {
        var steps: [Component] = []
        var current = self
        while true {
            switch current {
            case .root:
                return steps.reversed()
            case .member(let parent, let key):
                steps.append(.member(key))
                current = parent
            case .element(let parent, let index):
                steps.append(.element(index))
                current = parent
            }
        }
    }

    /// Dotted form, with `[i]` for array elements and `["key"]` for keys that are not plain names
    /// (resource names such as `nvidia.com/gpu` contain dots).
    var description: String {
        switch self {
        case .root:
            return ""
        case .element(let parent, let index):
            return "\(parent)[\(index)]"
        case .member(let parent, let key):
            let isPlain = !key.isEmpty && key.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    return true
                default:
                    return false
                }
            }
            if !isPlain {
                var escaped = ""
                for character in key.unicodeScalars {
                    if character == "\"" || character == "\\" { escaped.append("\\") }
                    escaped.unicodeScalars.append(character)
                }
                return "\(parent)[\"\(escaped)\"]"
            }
            if case .root = parent { return key }
            return "\(parent).\(key)"
        }
    }
}

/// A problem with one field of a document: the path and a message that says what is wrong.
struct FieldError: Error, Sendable {
    var path: FieldPath
    var message: String
}
