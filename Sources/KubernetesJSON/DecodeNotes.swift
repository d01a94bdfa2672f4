/// What a decode accepted but changed, collected per document while the decoders run (one decode,
/// one thread), then turned into lines that name the file, the document and the field.
final class DecodeNotes {
    private var pending: [(path: FieldPath, message: String)] = []

    func add(path: FieldPath, _ message: String) {
        pending.append((path, message))
    }

    /// Moves the notes of the document just decoded into `lines`.
    func flush(file: String, document: Int, into lines: inout [String]) {
        for note in pending { lines.append("\(file): document \(document): \(note.path): \(note.message)") }
        pending.removeAll()
    }
}
