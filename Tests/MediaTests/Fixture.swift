import Foundation
import NIOCore

/// Test inputs stored next to the tests, found relative to this source file so that
/// `swift test` works from any directory.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ name: String) throws -> ByteBuffer {
        try ByteBuffer(bytes: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func loadSample(_ relativePath: String) throws -> ByteBuffer {
        try ByteBuffer(bytes: Data(contentsOf: repositoryRoot.appendingPathComponent(relativePath)))
    }
}
