/// Why an input could not be decoded: which file, which document in it, where, and what is wrong.
public struct KubernetesInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as the caller gave it (`-` for standard input).
    public var file: String
    /// The 1-based index of the top-level document: a YAML document (empty ones count) or a JSON
    /// value of a stream.
    public var document: Int
    /// The line of the syntax error, or of the offending field (of its key; of its nearest present
    /// ancestor when the field is missing; of the document's start when the document itself is
    /// wrong), when known.
    public var line: Int?
    /// The path of the offending field, such as `items[3].spec.containers[0].resources.requests.memory`;
    /// empty for syntax errors and for a document that is not an object.
    public var fieldPath: String
    /// What is wrong, such as `invalid quantity "12x": …` or `missing required field`.
    public var message: String

    /// Creates an error; decoding creates these, and tests or callers may build them to compare.
    public init(file: String, document: Int, line: Int?, fieldPath: String, message: String) {
        self.file = file
        self.document = document
        self.line = line
        self.fieldPath = fieldPath
        self.message = message
    }

    /// `pods.json: document 1, line 7: items[3].spec.containers[0].resources.requests.memory: invalid quantity …`
    public var description: String {
        var text = "\(file): document \(document)"
        if let line { text += ", line \(line)" }
        text += ": "
        if !fieldPath.isEmpty { text += "\(fieldPath): " }
        return text + message
    }
}
