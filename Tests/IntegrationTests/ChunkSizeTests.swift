import Foundation
import Media
import NIOCore
import RTMP
import Testing

extension HeadwaterBinaryTests {
    /// Chunk sizes both ways: the publisher's (our client announces 128 or 60000) and the
    /// server's (`chunk_size`), with keyframes larger than 60000 bytes so that every combination
    /// splits messages into several chunks. An ffmpeg player must receive every frame.
    @Suite("Chunk sizes in and out", .timeLimit(.minutes(1)))
    struct ChunkSizes {
        @Test(
            "publisher chunk size × server chunk_size",
            arguments: zip([128, 128, 60000, 60000], [128, 60000, 128, 60000]))
        func everyFrameArrives(publisherChunkSize: Int, serverChunkSize: Int) throws {
            let server = try HeadwaterServer(extra: "chunk_size \(serverChunkSize);")
            let source = server.directory.appendingPathComponent("source.flv").path
            try MediaTools.makeFLV(at: source, frames: 50, size: "1280x720", quantizer: 10)
            let tags = try MediaTools.readTags(of: source)
            let largest = tags.map(\.data.readableBytes).max() ?? 0
            try #require(largest > 60000, "keyframes too small to span chunks: \(largest) bytes")
            let expected = try MediaTools.packetCounts(of: source)

            let url = server.url("live/chunks")
            let output = server.directory.appendingPathComponent("received.flv").path
            let player = try ChildProcess(
                try Tools.require("ffmpeg"),
                ["-nostdin", "-loglevel", "error", "-i", url, "-c", "copy", "-f", "flv", "-y", output], name: "player")
            try #require(server.waitForLog("play started", timeout: 10), "\(server.log)")

            let publisher = try TestRTMPClient(port: server.rtmpPort)
            try publisher.handshake()
            try publisher.startSession(url, mode: .publish, chunkSize: UInt32(publisherChunkSize))
            // Paced by timestamp, as an encoder would send.
            let start = Date()
            for tag in tags {
                let due = start.addingTimeInterval(Double(tag.timestamp) / 1000)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
                try publisher.sendMedia(tag)
            }
            try publisher.stopSession()

            // The player ends at the unpublish; then its file holds what it received.
            #expect(
                player.waitForExit(timeout: 15) && player.exitCode == 0, "player did not end cleanly: \(player.output)")
            publisher.close()
            let received = try MediaTools.packetCounts(of: output)
            #expect(received["h264"] == expected["h264"], "received \(received), sent \(expected)\n\(server.log)")
            #expect(received["aac"] == expected["aac"], "received \(received), sent \(expected)")
        }
    }
}
