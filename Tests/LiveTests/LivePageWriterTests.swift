import Media
import NIOCore
import NIOEmbedded
import Testing

@testable import Live

@Suite("Pages and coalesced writes")
struct LivePageWriterTests {
    static let format = LiveFormat(name: "tagged") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        buffer.writeString("T\(packet.timestamp):")
        buffer.writeImmutableBuffer(packet.payload)
    }

    static func expected(_ packet: MediaPacket) -> ByteBuffer {
        format.serialize(packet)
    }

    @Test("stored messages keep their bytes while later ones are appended, and the page is never copied")
    func viewsAreStableAndShareOnePage() {
        var pages = LivePageWriter()
        let packets = (0..<20).map { Packets.video(Int64($0) * 40, size: 300) }
        let views = packets.map { pages.store($0, format: Self.format) }
        for (view, packet) in zip(views, packets) {
            #expect(view == Self.expected(packet))
        }
        let bases = Set(views.map { $0.withVeryUnsafeBytes { Int(bitPattern: $0.baseAddress) } })
        #expect(bases.count == 1)
        for (earlier, later) in zip(views, views.dropFirst()) {
            #expect(earlier.writerIndex == later.readerIndex)
        }
    }

    @Test("a message larger than any page gets a page of its own; the next page fits the stream's rate")
    func largeMessagesAndPageSizing() {
        var pages = LivePageWriter()
        // 25 fps of 4,000-byte frames: 100 KB a second, so pages settle near that size.
        var views: [ByteBuffer] = []
        for index in 0..<200 {
            views.append(pages.store(Packets.video(Int64(index) * 40, size: 4_000), format: Self.format))
        }
        let big = Packets.video(8_000, key: true, size: LivePageWriter.maximumPageSize + 10)
        let bigView = pages.store(big, format: Self.format)
        #expect(bigView == Self.expected(big))
        let capacities = Set(views.suffix(100).map(\.capacity))
        #expect(capacities.allSatisfy { $0 >= 90_000 && $0 <= 200_000 }, "page capacities \(capacities)")
        #expect(views.first?.capacity ?? 0 >= LivePageWriter.minimumPageSize)
    }

    @Test("a stream of frames each larger than the smallest page still gets pages of many frames")
    func largeFramesSharePages() {
        var pages = LivePageWriter()
        // 30 fps of 40 KB frames, 1.2 MB a second: every frame is over the 16 KiB a page starts with.
        let views = (0..<150).map { pages.store(Packets.video(Int64($0) * 33, size: 40_000), format: Self.format) }
        let pagesOfLastSecond = Set(views.suffix(30).map { $0.withVeryUnsafeBytes { Int(bitPattern: $0.baseAddress) } })
        #expect(pagesOfLastSecond.count <= 4, "the last 30 frames used \(pagesOfLastSecond.count) pages")
    }

    @Test("back-to-back views merge into one buffer; a gap, another page or a separate buffer starts a new run")
    func coalescing() {
        var pages = LivePageWriter()
        let packets = (0..<6).map { Packets.audio(Int64($0) * 23) }
        let views = packets.map { pages.store($0, format: Self.format) }

        var coalescer = LiveWriteCoalescer()
        #expect(coalescer.append(views[0]) == nil)
        #expect(coalescer.append(views[1]) == nil)
        #expect(coalescer.append(views[2]) == nil)
        // views[3] skipped (a dropped packet): the run so far must be written first.
        let first = coalescer.append(views[4])
        var joined = views[0]
        joined.writeImmutableBuffer(views[1])
        joined.writeImmutableBuffer(views[2])
        #expect(first == joined)
        // A buffer of its own (a sequence header) does not continue a page view.
        let header = Self.expected(Packets.audio(0, header: true))
        #expect(coalescer.append(header) == views[4])
        #expect(coalescer.append(views[5]) == header)
        #expect(coalescer.take() == views[5])
        #expect(coalescer.isEmpty)
        #expect(coalescer.take() == nil)
    }

    @Test("a stream hands consecutive packets to its players as views that coalesce into one write")
    func streamEncodingsAreContiguous() throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let configuration = LiveStreamConfiguration(timeJitter: .off)
        let published = registry.publish(testKey, configuration: configuration, on: loop)
        loop.run()
        let session = try published.wait()
        let player = RecordingConsumer(eventLoop: loop, format: Self.format)
        let subscription = registry.subscribe(player, to: testKey, configuration: configuration)
        loop.run()
        session.append(Packets.video(0, header: true))
        let media = [Packets.video(0, key: true), Packets.audio(10), Packets.video(40), Packets.audio(33)]
        for packet in media { session.append(packet) }
        session.flush()
        loop.run()

        let encoded = player.encoded
        #expect(encoded.count == 5)
        // The sequence header stands alone (it lives as long as the publish); the media share one page.
        var coalescer = LiveWriteCoalescer()
        var writes: [ByteBuffer] = []
        for bytes in encoded {
            if let earlier = coalescer.append(bytes) { writes.append(earlier) }
        }
        writes.append(contentsOf: coalescer.take().map { [$0] } ?? [])
        #expect(writes.count == 2)
        var expected = ByteBuffer()
        for packet in media { expected.writeImmutableBuffer(Self.expected(packet)) }
        #expect(writes.last == expected)

        subscription.cancel()
        session.finish()
        loop.run()
        try loop.syncShutdownGracefully()
    }
}
