/// Decodes what `kubectl` prints, as JSON or YAML, into pod observations and evictions.
public enum KubernetesInput {
    /// Decodes every document in `bytes`. JSON if the first non-whitespace byte is `{` or `[` (then the
    /// input may be several concatenated JSON values, as `kubectl get pods --watch --output-watch-events
    /// -o json` prints), YAML otherwise (documents separated by `---`; empty documents are skipped).
    /// All-or-nothing: the first bad document throws, and nothing is returned.
    ///
    /// - Parameters:
    ///   - bytes: The input, UTF-8.
    ///   - file: The name errors give for the input (`-` for standard input).
    /// - Complexity: O(n) in the size of the input.
    public static func decode(_ bytes: [UInt8], file: String) throws(KubernetesInputError) -> [KubernetesObject] {
        try decodeCounting(bytes, file: file).objects
    }

    /// Decodes like `decode(_:file:)`, and also says how many documents the input held (empty YAML
    /// documents not counted), for a summary such as "read 3 documents: 12 pods".
    public static func decodeCounting(_ bytes: [UInt8], file: String) throws(KubernetesInputError) -> DecodedInput {
        if looksLikeJSON(bytes) {
            return try decodeJSON(bytes, file: file)
        }
        return try decodeYAML(bytes, file: file)
    }

    static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }

    static func decodeJSON(_ bytes: [UInt8], file: String) throws(KubernetesInputError) -> DecodedInput {
        var reader = JSONStreamReader(bytes: bytes)
        var objects: [KubernetesObject] = []
        let notes = DecodeNotes()
        var noted: [String] = []
        var document = 0
        while true {
            document += 1
            let next: (value: JSONValue, offset: Int)?
            do throws(JSONSyntaxError) {
                next = try reader.nextValue()
            } catch {
                throw KubernetesInputError(file: file, document: document, line: reader.line(atOffset: error.offset),
                                           fieldPath: "", message: "invalid JSON: \(error.message)")
            }
            guard let next else { return DecodedInput(objects: objects, documents: document - 1, notes: noted) }
            do throws(FieldError) {
                objects += try DocumentDecoder.decode(next.value, lenientScalars: false, notes: notes)
                notes.flush(file: file, document: document, into: &noted)
            } catch {
                // Lines are found only now, on the error path: a clean decode never pays for them.
                throw KubernetesInputError(file: file, document: document,
                                           line: reader.line(of: error.path, inValueAt: next.offset),
                                           fieldPath: error.path.description, message: error.message)
            }
        }
    }

    static func decodeYAML(_ bytes: [UInt8], file: String) throws(KubernetesInputError) -> DecodedInput {
        var reader = YAMLReader(bytes: bytes)
        var objects: [KubernetesObject] = []
        let notes = DecodeNotes()
        var noted: [String] = []
        var document = 0
        var emptyDocuments = 0
        while true {
            document += 1
            let next: (value: JSONValue, line: Int?)?
            do throws(YAMLSyntaxError) {
                next = try reader.nextDocument()
            } catch {
                throw KubernetesInputError(file: file, document: document, line: error.line,
                                           fieldPath: "", message: error.message)
            }
            guard let next else {
                return DecodedInput(objects: objects, documents: document - 1 - emptyDocuments, notes: noted)
            }
            // `---` with nothing after it (or a trailing `---`) is an empty document, not an error.
            if case .null = next.value {
                emptyDocuments += 1
                continue
            }
            do throws(FieldError) {
                objects += try DocumentDecoder.decode(next.value, lenientScalars: true, notes: notes)
                notes.flush(file: file, document: document, into: &noted)
            } catch {
                throw KubernetesInputError(file: file, document: document, line: reader.line(of: error.path) ?? next.line,
                                           fieldPath: error.path.description, message: error.message)
            }
        }
    }
}

/// What `KubernetesInput.decodeCounting(_:file:)` found in one input.
public struct DecodedInput: Hashable, Sendable {
    /// The objects, in input order.
    public var objects: [KubernetesObject]
    /// How many documents held them: YAML documents (empty ones not counted) or JSON values.
    public var documents: Int

    /// What was accepted but changed, one line each (`FILE: document N: FIELD: …`): quantities
    /// beyond 64 bits, capped as the API server caps them.
    public var notes: [String]

    /// Creates a result; decoding creates these.
    public init(objects: [KubernetesObject], documents: Int, notes: [String] = []) {
        self.objects = objects
        self.documents = documents
        self.notes = notes
    }
}
