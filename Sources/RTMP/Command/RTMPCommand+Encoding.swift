public import Media
import NIOCore

extension RTMPCommand {
    /// The payload capacity a command message starts with.
    static let typicalEncodedSize = 256

    /// The AMF0 values of the command body: name, transaction id, then the arguments.
    public var amf0Values: [AMF0Value] {
        var values: [AMF0Value] = [.string(name), .number(transactionID)]
        switch self {
        case .connect(let connect):
            values.append(.object(connect.properties))
            values += connect.optionalArguments
        case .releaseStream(_, let name), .fcPublish(_, let name), .fcUnpublish(_, let name),
            .getStreamLength(_, let name):
            values += [.null, .string(name)]
        case .createStream, .closeStream, .checkBandwidth, .onBWDone:
            values.append(.null)
        case .deleteStream(_, let streamID):
            values += [.null, .number(Double(streamID))]
        case .publish(_, let name, let type):
            values += [.null, .string(name), .string(type.rawValue)]
        case .play(let play):
            values += [.null, .string(play.streamName)]
            if play.start != nil || play.duration != nil || play.reset != nil {
                values.append(.number(play.start ?? RTMPPlayCommand.defaultStart))
            }
            if play.duration != nil || play.reset != nil {
                values.append(.number(play.duration ?? RTMPPlayCommand.defaultDuration))
            }
            if let reset = play.reset { values.append(.boolean(reset)) }
        case .play2(_, let parameters):
            values += [.null, parameters]
        case .pause(_, let isPause, let milliseconds):
            values += [.null, .boolean(isPause), .number(milliseconds)]
        case .result(_, let rest), .error(_, let rest), .unknown(_, _, let rest):
            values += rest
        case .onStatus(let status):
            values += [.null, status.amf0Value()]
        case .onFCPublish(let status), .onFCUnpublish(let status):
            values += [.null, status.amf0Value(includingLevel: false)]
        }
        return values
    }

    /// Encodes the command as an AMF0 command message (type 20) on the command chunk stream.
    /// - Parameters:
    ///   - streamID: 0 for NetConnection commands, the stream's id for NetStream ones.
    ///   - timestamp: usually 0.
    public func message(streamID: UInt32 = 0, timestamp: UInt32 = 0) -> RTMPMessage {
        // Sized for a typical command (an onStatus is about 150 bytes): grown from empty, the buffer was
        // reallocated four or five times per message.
        var payload = ByteBufferAllocator().buffer(capacity: Self.typicalEncodedSize)
        payload.writeAMF0Values(amf0Values)
        return RTMPMessage(type: .amf0Command, streamID: streamID, timestamp: timestamp, payload: payload)
    }
}
