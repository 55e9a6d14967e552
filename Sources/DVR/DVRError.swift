#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a recording could not be written, with the path and the system error a person needs to act.
public struct DVRError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case cannotCreateFolder
        case cannotCreateFile
        case writeFailed
        case readFailed
        case cannotRename
        case noFreeName
        case unsafePath
    }

    private let base: Base
    /// The file or folder concerned.
    public let path: String
    /// The `errno` of the failing system call, when there was one.
    public let systemError: Int32?

    private init(_ base: Base, path: String, systemError: Int32? = nil) {
        self.base = base
        self.path = path
        self.systemError = systemError
    }

    /// A folder on the way to the file could not be created.
    public static func cannotCreateFolder(_ path: String, systemError: Int32) -> DVRError {
        DVRError(.cannotCreateFolder, path: path, systemError: systemError)
    }

    /// The recording file could not be created.
    public static func cannotCreateFile(_ path: String, systemError: Int32) -> DVRError {
        DVRError(.cannotCreateFile, path: path, systemError: systemError)
    }

    /// Writing to the file failed (a full disk, an I/O error).
    public static func writeFailed(_ path: String, systemError: Int32) -> DVRError {
        DVRError(.writeFailed, path: path, systemError: systemError)
    }

    /// Reading back the recording while finalizing it failed.
    public static func readFailed(_ path: String, systemError: Int32) -> DVRError {
        DVRError(.readFailed, path: path, systemError: systemError)
    }

    /// The complete file could not be moved to its final name.
    public static func cannotRename(_ path: String, systemError: Int32) -> DVRError {
        DVRError(.cannotRename, path: path, systemError: systemError)
    }

    /// Every candidate name (`name.flv`, `name-1.flv`, ...) is taken.
    public static func noFreeName(_ path: String) -> DVRError {
        DVRError(.noFreeName, path: path)
    }

    /// The path template expanded to a path that leaves its folder (a hostile app or stream name).
    public static func unsafePath(_ detail: String) -> DVRError {
        DVRError(.unsafePath, path: detail)
    }

    public var description: String {
        let reason = systemError.map { ": " + String(cString: strerror($0)) } ?? ""
        switch base {
        case .cannotCreateFolder: return "cannot create the DVR folder \(path)\(reason)"
        case .cannotCreateFile: return "cannot create the DVR file \(path)\(reason)"
        case .writeFailed: return "cannot write the DVR file \(path)\(reason)"
        case .readFailed: return "cannot read back the DVR file \(path)\(reason)"
        case .cannotRename: return "cannot move the DVR file to \(path)\(reason)"
        case .noFreeName: return "no free file name for the DVR file \(path)"
        case .unsafePath: return "refused DVR path: \(path)"
        }
    }

    public static func == (lhs: DVRError, rhs: DVRError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }
}
