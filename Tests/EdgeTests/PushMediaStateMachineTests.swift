import Media
import NIOCore
import Testing

@testable import Edge

@Suite("Push media state machine")
struct PushMediaStateMachineTests {
    /// A packet whose payload's first byte tells packets apart in expectations.
    static func packet(_ kind: MediaKind, _ timestamp: Int64, _ flags: MediaPacket.Flags = [], tag: UInt8) -> MediaPacket {
        MediaPacket(kind: kind, timestamp: timestamp, flags: flags, payload: ByteBuffer(bytes: [tag]))
    }

    static let metadata = packet(.data, 0, .metadata, tag: 1)
    static let videoHeader = packet(.video, 0, [.sequenceHeader, .keyframe], tag: 2)
    static let audioHeader = packet(.audio, 0, .sequenceHeader, tag: 3)

    static func tags(_ packets: [MediaPacket]) -> [UInt8] {
        packets.compactMap { $0.payload.getInteger(at: $0.payload.readerIndex, as: UInt8.self) }
    }

    @Test("after the first connect, headers pass as they come and media starts at the first keyframe")
    func firstConnect() {
        var machine = PushMediaStateMachine()
        machine.connected()
        #expect(Self.tags(machine.admit(Self.metadata, writable: true)) == [1])
        #expect(Self.tags(machine.admit(Self.videoHeader, writable: true)) == [2])
        #expect(Self.tags(machine.admit(Self.audioHeader, writable: true)) == [3])
        #expect(machine.admit(Self.packet(.audio, 10, tag: 10), writable: true).isEmpty)
        #expect(machine.admit(Self.packet(.video, 20, tag: 11), writable: true).isEmpty)
        #expect(Self.tags(machine.admit(Self.packet(.video, 40, .keyframe, tag: 12), writable: true)) == [12])
        #expect(Self.tags(machine.admit(Self.packet(.audio, 41, tag: 13), writable: true)) == [13])
        #expect(Self.tags(machine.admit(Self.packet(.video, 60, tag: 14), writable: true)) == [14])
        #expect(machine.droppedPackets == 2)
    }

    @Test("after a reconnect, cached headers are resent first, stamped with the keyframe's time")
    func reconnectResendsHeaders() throws {
        var machine = PushMediaStateMachine()
        machine.connected()
        for packet in [Self.metadata, Self.videoHeader, Self.audioHeader, Self.packet(.video, 40, .keyframe, tag: 12)] {
            _ = machine.admit(packet, writable: true)
        }
        machine.disconnected()
        #expect(machine.admit(Self.packet(.video, 80, .keyframe, tag: 20), writable: true).isEmpty)
        machine.connected()
        #expect(machine.admit(Self.packet(.audio, 90, tag: 21), writable: true).isEmpty)
        #expect(machine.admit(Self.packet(.video, 100, tag: 22), writable: true).isEmpty)
        let out = machine.admit(Self.packet(.video, 120, .keyframe, tag: 23), writable: true)
        #expect(Self.tags(out) == [1, 2, 3, 23])
        #expect(out.allSatisfy { $0.timestamp == 120 })
        #expect(try #require(out.first).flags.contains(.metadata))
        // Resent once only.
        #expect(Self.tags(machine.admit(Self.packet(.video, 140, tag: 24), writable: true)) == [24])
    }

    @Test("a header that arrives again after a reconnect is not resent from the cache as well")
    func freshHeaderReplacesResend() {
        var machine = PushMediaStateMachine()
        _ = machine.admit(Self.videoHeader, writable: true)
        _ = machine.admit(Self.audioHeader, writable: true)
        machine.connected()
        let newVideoHeader = Self.packet(.video, 5, [.sequenceHeader, .keyframe], tag: 30)
        #expect(Self.tags(machine.admit(newVideoHeader, writable: true)) == [30])
        #expect(Self.tags(machine.admit(Self.packet(.video, 40, .keyframe, tag: 31), writable: true)) == [3, 31])
        #expect(machine.videoHeader.map { Self.tags([$0]) } == [30])
    }

    @Test("audio-only streams never wait for a keyframe")
    func audioOnly() {
        var machine = PushMediaStateMachine()
        _ = machine.admit(Self.audioHeader, writable: true)
        machine.connected()
        #expect(Self.tags(machine.admit(Self.packet(.audio, 23, tag: 40), writable: true)) == [3, 40])
        #expect(Self.tags(machine.admit(Self.packet(.audio, 46, tag: 41), writable: true)) == [41])
        #expect(machine.droppedPackets == 0)
    }

    @Test("a socket that is not writable drops media to the next keyframe, but never headers")
    func congestionDropsToKeyframe() {
        var machine = PushMediaStateMachine()
        machine.connected()
        _ = machine.admit(Self.videoHeader, writable: true)
        _ = machine.admit(Self.packet(.video, 0, .keyframe, tag: 50), writable: true)
        #expect(machine.admit(Self.packet(.video, 40, tag: 51), writable: false).isEmpty)
        #expect(machine.admit(Self.packet(.audio, 41, tag: 52), writable: false).isEmpty)
        #expect(Self.tags(machine.admit(Self.videoHeader, writable: false)) == [2])
        // Writable again, but still no keyframe: keep dropping.
        #expect(machine.admit(Self.packet(.video, 80, tag: 53), writable: true).isEmpty)
        #expect(machine.admit(Self.packet(.audio, 81, tag: 54), writable: true).isEmpty)
        #expect(machine.admit(Self.packet(.video, 120, .keyframe, tag: 55), writable: false).isEmpty)
        #expect(Self.tags(machine.admit(Self.packet(.video, 160, .keyframe, tag: 56), writable: true)) == [56])
        #expect(Self.tags(machine.admit(Self.packet(.audio, 161, tag: 57), writable: true)) == [57])
        #expect(machine.droppedPackets == 5)
    }

    @Test("nothing is sent while disconnected, and that is not counted as a drop")
    func disconnectedSendsNothing() {
        var machine = PushMediaStateMachine()
        #expect(machine.admit(Self.metadata, writable: true).isEmpty)
        #expect(machine.admit(Self.packet(.video, 0, .keyframe, tag: 60), writable: true).isEmpty)
        #expect(machine.droppedPackets == 0)
        #expect(machine.metadata != nil)
    }
}
