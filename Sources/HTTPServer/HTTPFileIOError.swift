#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file system call failed for a reason other than "not there"; the file server answers 500 and logs it.
struct HTTPFileIOError: Error, Hashable, CustomStringConvertible {
    /// The call that failed.
    enum Operation: String, Sendable, Hashable {
        case realpath
        case open
        case fstat
        case read
    }

    /// The call that failed.
    var operation: Operation
    /// `errno` after the call; 0 when a read found the file shorter than `fstat` said.
    var code: CInt
    /// The path involved, when there is one.
    var path: String?

    /// A read reached the end of the file early: it was truncated while being served.
    static func truncated(path: String?) -> Self {
        Self(operation: .read, code: 0, path: path)
    }

    var description: String {
        let reason = code == 0 ? "unexpected end of file" : String(cString: strerror(code))
        return "\(operation.rawValue)(\(path ?? "")): \(reason)"
    }
}
