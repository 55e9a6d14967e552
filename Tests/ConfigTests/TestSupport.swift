import Foundation
import Testing

@testable import Config

/// The repository root, found from this file's path, for `conf/`.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .path

/// Parses `text` expecting a `ConfigError`, and returns its description (`nil`, recorded as a failure, if
/// the text parsed).
func parseError(
    _ text: String,
    file: String = "conf/x.conf",
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> String? {
    let error = #expect(throws: ConfigError.self, sourceLocation: sourceLocation) {
        _ = try ServerConfiguration.parse(text: text, file: file)
    }
    return error?.description
}

/// A fresh directory under the system temporary directory, removed at the end of `body`.
func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("headwater-config-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
}

/// Writes `text` to `directory/relative`, creating directories on the way.
func write(_ text: String, to relative: String, in directory: String) throws {
    let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

extension ConfigDirective {
    /// `name@line` for every directive in pre-order, to check structure and locations together.
    var outline: [String] {
        ["\(self.name)@\(self.location.line)"] + self.children.flatMap(\.outline)
    }
}
