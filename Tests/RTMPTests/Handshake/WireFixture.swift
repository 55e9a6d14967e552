import Foundation
import NIOCore
import Testing

/// Captured bytes under Tests/RTMPTests/Fixtures (see Fixtures/Handshake/capture_rtmp_client.py).
enum WireFixture {
    static func load(_ relativePath: String) throws -> ByteBuffer {
        let base = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        let data = try Data(contentsOf: base.appendingPathComponent(relativePath))
        return ByteBuffer(bytes: data)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        var buffer = try Self.load(relativePath)
        return buffer.readBytes(length: buffer.readableBytes)!
    }
}
