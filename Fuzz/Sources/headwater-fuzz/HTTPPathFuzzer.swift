import HTTPParsing

/// The HTTP file routes' path resolver.
///
/// Properties: a resolved path never leaves the root, whatever the root is joined with (each segment is a
/// plain name: not empty, `.` or `..`, no separator, NUL or control character); resolving is idempotent
/// (the canonical re-encoding of a result resolves to the same result).
enum HTTPPathFuzzer {
    private static let resolver = HTTPPathResolver(maximumLength: 1024)
    private static let root = ["srv", "www"]

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let target = String(decoding: bytes, as: UTF8.self)
        guard let resolved = try? resolver.resolve(target) else { return }
        for name in resolved.components {
            fuzzCheck(!name.isEmpty && name != "." && name != "..", "segment '\(name)' is not a plain name")
            fuzzCheck(
                !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F }),
                "segment '\(name)' holds a separator or control byte")
        }
        fuzzCheck(stays(underRoot: resolved.relativePath), "'\(target)' resolves outside the root")
        _ = resolved.isServable

        let canonical = "/" + resolved.components.map(percentEncoded).joined(separator: "/")
            + (resolved.hasTrailingSlash && !resolved.components.isEmpty ? "/" : "")
        // Re-encoding can triple the length; past the limit the resolver rightly refuses it.
        guard canonical.utf8.count <= resolver.maximumLength else { return }
        let again = try? resolver.resolve(canonical)
        fuzzCheck(again?.components == resolved.components, "'\(canonical)' does not resolve to the same path")
    }

    /// Joins `relative` to the root and normalises it the way a file system would (lexically: `..` pops).
    private static func stays(underRoot relative: String) -> Bool {
        var stack = root
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard stack.count > root.count else { return false }
                stack.removeLast()
            default: stack.append(String(part))
            }
        }
        return stack.starts(with: root)
    }

    private static func percentEncoded(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
