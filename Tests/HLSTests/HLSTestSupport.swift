import Foundation
import Media
import NIOCore
import NIOEmbedded

/// The packets of `samples/sample.flv` as a publisher sends them, or `nil` when the file is absent.
func samplePackets() throws -> [MediaPacket]? {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples/sample.flv")
    guard let data = try? Data(contentsOf: url) else { return nil }
    let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder(), maximumBufferSize: 1 << 20)
    var packets: [MediaPacket] = []
    func add(_ tag: FLVTag) {
        var packet = MediaPacket(tag)
        if tag.kind == .data { packet.flags.insert(.metadata) }
        packets.append(packet)
    }
    try processor.process(buffer: ByteBuffer(bytes: data)) { add($0) }
    try processor.finishProcessing(seenEOF: true) { add($0) }
    return packets
}

/// A temporary folder removed when released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("hw-hls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func files(in folder: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + folder)) ?? []).sorted()
    }

    func read(_ relative: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path + "/" + relative).map { Array($0) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension NIOAsyncTestingEventLoop {
    /// Runs a test's `body`, then `settle` (until the segment writers are through), the hops the writers
    /// left, and shuts the loop down (dropping the timers left), also when `body` throws: a testing loop
    /// must not be freed with tasks pending.
    func runTest(_ body: () async throws -> Void, settle: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await shutdownGracefully()
            throw error
        }
        try await settle()
        await run()
        await shutdownGracefully()
    }
}
