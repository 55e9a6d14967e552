import Live
import Media
import NIOCore
import RTMP
import Sessions
import Testing

@testable import Ingest

@Suite("RTMP fan-out: shared chunk bytes and chunk sizes")
struct RTMPFanOutTests {
    static let playerCount = 20

    @Test("every player gets the same media bytes, serialized once and shared")
    func playersShareMediaBuffers() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let players = try (0..<Self.playerCount).map { _ in try harness.client() }
        for player in players {
            let replies = try player.play("test")
            #expect(replies.statusCodes == [.playReset, .playStart])
        }

        var media = MediaGenerator(videoSize: 70_000)  // larger than one 60000-byte chunk
        try publisher.send(media.headers())
        let published = media.ticks(milliseconds: 400)
        try publisher.send(batches: published)

        let perPlayer = try players.map { try $0.receive() }
        let reference = perPlayer[0]
        #expect(reference.allSatisfy { $0.isMedia })
        let messages = reference.flatMap(\.messages)
        #expect(messages.count == 3 + published.joined().count)
        #expect(messages.map(\.payload).dropFirst(3) == published.joined().map(\.payload)[...])
        // Messages that lie back to back in the stream's pages leave as one write.
        #expect(reference.count < messages.count)
        for writes in perPlayer.dropFirst() {
            #expect(writes.map(\.bytes) == reference.map(\.bytes))
            // Zero copy: the very same storage reached every player's socket.
            #expect(writes.map { Self.baseAddress($0.bytes) } == reference.map { Self.baseAddress($0.bytes) })
        }
        #expect(players.allSatisfy { $0.isActive })
    }

    @Test("every byte a player is sent is counted once in its session's traffic, followed or not")
    func followedBytesAreCounted() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let clients = ClientRegistry(maxConnections: 10)
        let session = try #require(clients.register(ClientInfo(kind: .rtmpConnection, ip: "127.0.0.1")) {})
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client(session: session)
        _ = try player.play("test")

        var media = MediaGenerator(videoSize: 5_000)
        try publisher.send(media.headers())
        // Many batches: the player keeps up, so after the first it follows the relay.
        var sent = 0
        for _ in 0..<20 {
            let batch = media.tick()
            sent += batch.count
            try publisher.send(batch)
        }
        let writes = try player.receive()
        #expect(writes.flatMap(\.messages).count == 3 + sent)
        // A player's count is published in steps (ClientTrafficHandler.trafficStep).
        let written = player.writes.reduce(0) { $0 + $1.bytes.readableBytes }
        #expect(session.traffic.sentBytes <= written && written - session.traffic.sentBytes < ClientTrafficHandler.trafficStep)
    }

    @Test("a vhost chunk size makes players get Set Chunk Size first and media cut at that size")
    func vhostChunkSize() throws {
        let vhostName = "small.chunks"
        let chunkSize = 4096
        var settings = RTMPServerSettings()
        settings.vhosts[vhostName] = RTMPServerSettings.Vhost(chunkSize: chunkSize)
        let harness = IngestHarness(settings: settings)
        defer { harness.finish() }
        let tcUrl = "rtmp://\(vhostName)/live"
        let publisher = try harness.client()
        try publisher.publish("test", tcUrl: tcUrl)
        let player = try harness.client()
        let defaultPlayer = try harness.client()

        let replies = try player.play("test", tcUrl: tcUrl)
        let defaultReplies = try defaultPlayer.play("test")

        #expect(Self.chunkSizes(in: replies) == [60000, UInt32(chunkSize)])
        #expect(Self.chunkSizes(in: defaultReplies) == [60000])
        let setIndex = try #require(replies.firstIndex { $0.control == .setChunkSize(UInt32(chunkSize)) })
        let playStartIndex = try #require(replies.firstIndex { $0.status?.code == .playStart })
        #expect(setIndex < playStartIndex)

        var media = MediaGenerator(videoSize: 10_000)
        try publisher.send(media.headers())
        let frames = media.tick()
        try publisher.send(frames)
        let writes = try player.receive()
        #expect(writes.allSatisfy { $0.isMedia })
        let videoWrite = try #require(writes.first { $0.messages.first.map(TestMedia.isKeyframe) == true })
        let video = videoWrite.messages[0]
        #expect(video.payload == frames[0].payload)
        // Type 0 header (1 + 11 bytes), then a 1-byte type 3 header (0xC6: fmt 3, chunk stream 6) every 4096 bytes.
        let payloadLength = video.payload.readableBytes
        let continuations = (payloadLength - 1) / chunkSize
        // The video message leads its write; audio of the same batch may follow it in the same buffer.
        let videoBytes = try #require(videoWrite.bytes.getSlice(
            at: videoWrite.bytes.readerIndex, length: 12 + payloadLength + continuations))
        for index in 1...continuations {
            let offset = 12 + index * chunkSize + (index - 1)
            #expect(videoBytes.getInteger(at: offset, as: UInt8.self) == 0xC6)
        }
        #expect(videoBytes == RTMPChunkSerializer.serialize(RTMPMediaFormat.message(
            for: MediaPacket(kind: .video, timestamp: Int64(video.timestamp), flags: [.keyframe], payload: video.payload)),
            chunkSize: chunkSize))

        // The default vhost has no stream "test" published: its player waits with nothing.
        #expect(try defaultPlayer.receive().isEmpty)
        #expect(harness.registry.stream(for: StreamKey(vhost: vhostName, app: "live", stream: "test")) != nil)
    }

    private static func chunkSizes(in messages: [RTMPMessage]) -> [UInt32] {
        messages.compactMap { message in
            if case .setChunkSize(let size)? = message.control { return size } else { return nil }
        }
    }

    private static func baseAddress(_ buffer: ByteBuffer) -> UInt? {
        buffer.withUnsafeReadableBytes { $0.baseAddress.map { UInt(bitPattern: $0) } }
    }
}
