import NIOCore
import Testing

@testable import RTMP

/// Builds aggregate payloads: FLV tags with back pointers.
struct AggregateBuilder {
    var buffer = ByteBuffer()

    mutating func add(type: UInt8, timestamp: UInt32, body: [UInt8], streamID: UInt32 = 0, backPointer: Bool = true) {
        buffer.writeInteger(type)
        buffer.writeInteger(UInt8(body.count >> 16))
        buffer.writeInteger(UInt16(truncatingIfNeeded: body.count))
        buffer.writeInteger(UInt8((timestamp >> 16) & 0xFF))
        buffer.writeInteger(UInt16(truncatingIfNeeded: timestamp))
        buffer.writeInteger(UInt8(timestamp >> 24))
        buffer.writeInteger(UInt8(streamID >> 16))
        buffer.writeInteger(UInt16(truncatingIfNeeded: streamID))
        buffer.writeBytes(body)
        if backPointer { buffer.writeInteger(UInt32(11 + body.count)) }
    }

    func message(timestamp: UInt32, streamID: UInt32 = 1) -> RTMPMessage {
        RTMPMessage(type: .aggregate, streamID: streamID, timestamp: timestamp, payload: buffer)
    }
}

@Suite struct RTMPAggregateMessageTests {
    @Test func splitsWithRelativeTimestamps() throws {
        var builder = AggregateBuilder()
        builder.add(type: 9, timestamp: 5000, body: [0x17, 0, 0, 0, 0])
        builder.add(type: 8, timestamp: 5023, body: [0xAF, 1, 0x21])
        builder.add(type: 9, timestamp: 5040, body: [0x27, 1])
        builder.add(type: 18, timestamp: 5040, body: [0x02, 0, 0])
        let subMessages = try builder.message(timestamp: 100).aggregateSubMessages()
        #expect(subMessages.map(\.typeID) == [9, 8, 9, 18])
        #expect(subMessages.map(\.timestamp) == [100, 123, 140, 140])
        #expect(subMessages.map(\.streamID) == [1, 1, 1, 1])
        #expect(
            subMessages.map { Array(buffer: $0.payload) } == [
                [0x17, 0, 0, 0, 0], [0xAF, 1, 0x21], [0x27, 1], [2, 0, 0],
            ]
        )
    }

    @Test func usesTimestampExtensionByte() throws {
        var builder = AggregateBuilder()
        builder.add(type: 9, timestamp: 0x0100_0000, body: [1])
        builder.add(type: 9, timestamp: 0x0100_0010, body: [2])
        let subMessages = try builder.message(timestamp: 0x0100_0000).aggregateSubMessages()
        #expect(subMessages.map(\.timestamp) == [0x0100_0000, 0x0100_0010])
    }

    @Test func toleratesMissingFinalBackPointer() throws {
        var builder = AggregateBuilder()
        builder.add(type: 8, timestamp: 0, body: [1])
        builder.add(type: 8, timestamp: 10, body: [2], backPointer: false)
        #expect(try builder.message(timestamp: 50).aggregateSubMessages().map(\.timestamp) == [50, 60])
    }

    @Test func emptyAggregateHasNoSubMessages() throws {
        #expect(try AggregateBuilder().message(timestamp: 0).aggregateSubMessages().isEmpty)
    }

    @Test func rejectsOverrunsAndNesting() {
        var overrun = AggregateBuilder()
        overrun.add(type: 9, timestamp: 0, body: [1, 2, 3, 4])
        overrun.buffer.moveWriterIndex(to: overrun.buffer.writerIndex - 6)
        #expect(throws: RTMPMessageError.malformedAggregate) {
            try overrun.message(timestamp: 0).aggregateSubMessages()
        }

        var shortHeader = AggregateBuilder()
        shortHeader.buffer.writeBytes([9, 0, 0, 1])
        #expect(throws: RTMPMessageError.malformedAggregate) {
            try shortHeader.message(timestamp: 0).aggregateSubMessages()
        }

        var nested = AggregateBuilder()
        nested.add(type: 22, timestamp: 0, body: [])
        #expect(throws: RTMPMessageError.malformedAggregate) { try nested.message(timestamp: 0).aggregateSubMessages() }

        var badPointer = AggregateBuilder()
        badPointer.add(type: 8, timestamp: 0, body: [1], backPointer: false)
        badPointer.buffer.writeBytes([0, 0])
        #expect(throws: RTMPMessageError.malformedAggregate) {
            try badPointer.message(timestamp: 0).aggregateSubMessages()
        }
    }
}
