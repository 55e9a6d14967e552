/// A place in a configuration file: the file as it was named (for messages) and a 1-based line.
///
/// Line 0 means "the file as a whole", for problems that have no line (a file that cannot be read).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given by the user or as resolved from an `include`, relative paths kept relative.
    public var file: String
    /// The 1-based line, or 0 when the location is the whole file.
    public var line: Int

    /// Creates a location.
    /// - Parameters:
    ///   - file: The file name to show in messages.
    ///   - line: The 1-based line, or 0 for the whole file.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`, or just `file` when the line is 0: the form compilers use, so editors can jump to it.
    public var description: String {
        self.line > 0 ? "\(self.file):\(self.line)" : self.file
    }
}
