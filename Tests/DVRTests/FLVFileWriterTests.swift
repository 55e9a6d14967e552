import Config
import Media
import NIOCore
import Testing

@testable import DVR

@Suite struct FLVFileWriterTests {
    /// Lays out `packets` (headers first) and returns the writer and the recorded bytes.
    static func record(
        _ packets: [MediaPacket], metadata: [AMF0Property] = [], maximumIndexedKeyframes: Int = 100
    ) -> (FLVFileWriter, ByteBuffer) {
        let headers = packets.filter(\.isSequenceHeader)
        var writer = FLVFileWriter(
            hasVideo: true, hasAudio: true, publisherMetadata: metadata,
            maximumIndexedKeyframes: maximumIndexedKeyframes)
        var bytes = ByteBuffer()
        writer.writeStart(sequenceHeaders: headers, into: &bytes)
        for packet in packets where !packet.isSequenceHeader {
            writer.write(packet, into: &bytes)
        }
        return (writer, bytes)
    }

    /// The final file: the final head, then the recorded bytes after the initial head.
    static func finalFile(_ writer: FLVFileWriter, _ recorded: ByteBuffer) -> ByteBuffer {
        var file = writer.finalHead()
        let body = recorded.getSlice(at: writer.bodyOffset, length: recorded.readableBytes - writer.bodyOffset)!
        file.writeImmutableBuffer(body)
        return file
    }

    @Test func recordedFileStartsWithHeaderMetadataAndSequenceHeaders() throws {
        let (writer, recorded) = Self.record(Payloads.stream(seconds: 2))
        #expect(writer.position == recorded.readableBytes)
        let file = try ParsedFLV(recorded)
        #expect(file.header.hasVideo && file.header.hasAudio)
        #expect(file.tags.first?.tag.kind == .data)
        #expect(file.tags[1].packet.isSequenceHeader && file.tags[1].tag.kind == .video)
        #expect(file.tags[2].packet.isSequenceHeader && file.tags[2].tag.kind == .audio)
        #expect(file.tags[1].offset == writer.bodyOffset)
        let metadata = try #require(file.metadata)
        // Known from the sequence headers already; the duration only at the end.
        #expect(metadata["width"] == .number(320) && metadata["height"] == .number(240))
        #expect(metadata["videocodecid"] == .number(7) && metadata["audiocodecid"] == .number(10))
        #expect(metadata["duration"] == nil && metadata["keyframes"] == nil)
    }

    @Test func finalMetadataRoundTripsAndIndexesEveryKeyframeTag() throws {
        let packets = Payloads.stream(seconds: 10, gop: 25)
        let (writer, recorded) = Self.record(packets, metadata: [AMF0Property("encoder", .string("test-encoder"))])
        let bytes = Self.finalFile(writer, recorded)
        #expect(bytes.readableBytes == writer.finalFileSize)

        let file = try ParsedFLV(bytes)
        let metadata = try #require(file.metadata)
        #expect(metadata["filesize"] == .number(Double(bytes.readableBytes)))
        #expect(metadata["duration"] == .number(10))  // last video frame at 9.96 s plus one frame
        #expect(metadata["framerate"] == .number(25))
        #expect(metadata["hasVideo"] == .boolean(true) && metadata["hasAudio"] == .boolean(true))
        #expect(metadata["hasKeyframes"] == .boolean(true))
        #expect(metadata["audiosamplerate"] == .number(48_000) && metadata["stereo"] == .boolean(true))
        #expect(metadata["encoder"] == .string("test-encoder"))
        #expect(metadata["lasttimestamp"]?.numberValue == Double(file.tags.last!.tag.timestamp) / 1000)
        let videoBytes = packets.filter { $0.kind == .video }.reduce(0) { $0 + $1.payload.readableBytes }
        #expect(metadata["videodatarate"]?.numberValue == Double(videoBytes) * 8 / 1024 / 10)

        let keyframes = try #require(metadata["keyframes"])
        guard case .strictArray(let times)? = keyframes["times"],
            case .strictArray(let positions)? = keyframes["filepositions"]
        else { Issue.record("keyframes has no times/filepositions arrays"); return }
        let keyTags = file.tags.filter { $0.packet.isKeyframe }
        #expect(keyTags.count == 10 && times.count == 10 && positions.count == 10)
        for (index, tag) in keyTags.enumerated() {
            #expect(positions[index] == .number(Double(tag.offset)))
            #expect(times[index] == .number(Double(tag.tag.timestamp) / 1000))
            // The offset really is a keyframe tag in the final bytes.
            var cursor = bytes
            cursor.moveReaderIndex(to: Int(positions[index].numberValue!))
            let parsed = try #require(try cursor.readFLVTag())
            #expect(MediaPacket(parsed).isKeyframe)
        }
        #expect(metadata["lastkeyframelocation"] == positions.last)
    }

    @Test func mediaTagsAreUnchangedByTheRewrite() throws {
        let (writer, recorded) = Self.record(Payloads.stream(seconds: 3))
        let before = try ParsedFLV(recorded).tags.dropFirst().map(\.tag)
        let after = try ParsedFLV(Self.finalFile(writer, recorded)).tags.dropFirst().map(\.tag)
        #expect(before == after)
    }

    @Test func keyframeIndexIsThinnedPastItsBound() {
        var index = FLVKeyframeIndex(maximumCount: 4)
        for keyframe in 0..<20 {
            index.append(time: Int64(keyframe * 1000), position: keyframe)
        }
        #expect(index.count <= 4)
        #expect(index.times.first == 0)
        // Evenly thinned: the remaining entries are every 8th keyframe.
        #expect(index.positions == [0, 8, 16])
    }

    @Test func publisherValuesTheWriterComputesAreNotCopied() throws {
        let metadata = [
            AMF0Property("duration", .number(999)), AMF0Property("width", .number(1)),
            AMF0Property("encoder", .string("obs")), AMF0Property("nested", .object([])),
            AMF0Property("framerate", .number(30)),
        ]
        var writer = FLVFileWriter(hasVideo: true, hasAudio: false, publisherMetadata: metadata)
        var bytes = ByteBuffer()
        writer.writeStart(sequenceHeaders: [Payloads.videoHeader()], into: &bytes)
        writer.write(Payloads.video(0, key: true), into: &bytes)
        let file = try ParsedFLV(Self.finalFile(writer, bytes))
        let final = try #require(file.metadata)
        #expect(final["duration"] != .number(999))
        #expect(final["width"] == .number(320))
        #expect(final["encoder"] == .string("obs"))
        #expect(final["nested"] == nil)
        // One frame gives no rate of its own; the publisher's stands.
        #expect(final["framerate"] == .number(30))
        #expect(file.header.hasVideo && !file.header.hasAudio)
    }

    @Test func timelineRebasesEachFileAndKeepsTracksMonotonic() {
        var full = DVRTimeline(mode: .full)
        full.startFile(at: 5_000)
        #expect(full.fileTimestamp(5_000, kind: .video) == 0)
        #expect(full.fileTimestamp(4_990, kind: .audio) == 0)
        #expect(full.fileTimestamp(5_040, kind: .video) == 40)
        #expect(full.fileTimestamp(5_020, kind: .video) == 40)  // never backwards within a track
        // A jump of hours (a vhost with play time_jitter off) becomes one 10 ms step per track.
        #expect(full.fileTimestamp(5_080 + 18_000_000, kind: .video) == 50)
        #expect(full.fileTimestamp(5_120 + 18_000_000, kind: .video) == 90)
        #expect(full.fileTimestamp(5_000 + 18_000_000, kind: .audio) == 10)
        // And so does a step back of a minute; small backward steps still only hold the track.
        #expect(full.fileTimestamp(5_160 - 60_000, kind: .video) == 100)
        #expect(full.fileTimestamp(5_200 - 60_000, kind: .video) == 140)
        #expect(full.fileTimestamp(5_100 - 60_000, kind: .video) == 140)
        full.startFile(at: 100)
        #expect(full.fileTimestamp(100, kind: .video) == 0)

        var zero = DVRTimeline(mode: .zero)
        zero.startFile(at: 5_000)
        #expect(zero.fileTimestamp(5_040, kind: .video) == 40)
        #expect(zero.fileTimestamp(5_020, kind: .video) == 20)

        var off = DVRTimeline(mode: .off)
        off.startFile(at: 5_000)
        #expect(off.fileTimestamp(5_040, kind: .video) == 5_040)
    }
}
