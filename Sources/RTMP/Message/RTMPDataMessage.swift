public import Media
public import NIOCore

/// A data message (RTMP 1.0 §7.1.2): type 18 (AMF0), or type 15 whose payload is a 0x00 format
/// byte followed by AMF0 values. The first value names the handler (`onMetaData`,
/// `@setDataFrame`, `onTextData`, `onCuePoint`, `|RtmpSampleAccess`, …).
public struct RTMPDataMessage: Sendable, Hashable {
    /// Handler names with a meaning to servers.
    public enum Handler {
        /// Publishers wrap metadata as `@setDataFrame, onMetaData, {…}` so the server stores it.
        public static let setDataFrame = "@setDataFrame"
        /// Stream metadata (FLV spec §E.5).
        public static let onMetaData = "onMetaData"
        /// Grants players raw access to audio/video samples (Flash security).
        public static let sampleAccess = "|RtmpSampleAccess"
        /// Status notifications sent as data (NetStream.Data.Start).
        public static let onStatus = "onStatus"
    }

    /// The first value: the name of the handler the message is for.
    public var handler: String
    /// The values after the handler name.
    public var values: [AMF0Value]

    /// Creates a data message for `handler` with the values after its name.
    public init(handler: String, values: [AMF0Value]) {
        self.handler = handler
        self.values = values
    }

    /// Decodes a type 18 or type 15 data message.
    /// - Throws: `RTMPMessageError.malformedData` for another type, bad AMF0 or no handler name.
    public init(_ message: RTMPMessage) throws(RTMPMessageError) {
        var payload = try Self.amf0Body(of: message)
        let values: [AMF0Value]
        do {
            values = try payload.readAMF0Values()
        } catch {
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "\(error)")
        }
        guard let handler = values.first?.stringValue else {
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "no handler name")
        }
        self.init(handler: handler, values: Array(values.dropFirst()))
    }

    /// Encodes as an AMF0 data message (type 18).
    /// - Parameters:
    ///   - streamID: the message stream (the play/publish stream id).
    ///   - chunkStreamID: defaults to the command chunk stream, because the data chunk stream is
    ///     reserved for pre-encoded media shared by all players (DESIGN.md, zero-copy fan-out).
    public func message(
        streamID: UInt32,
        timestamp: UInt32 = 0,
        chunkStreamID: UInt32 = RTMPChunkStreamID.command
    ) -> RTMPMessage {
        var payload = ByteBufferAllocator().buffer(capacity: RTMPCommand.typicalEncodedSize)
        payload.writeAMF0Value(.string(handler))
        payload.writeAMF0Values(values)
        return RTMPMessage(
            typeID: RTMPMessageType.amf0Data.rawValue,
            streamID: streamID,
            timestamp: timestamp,
            chunkStreamID: chunkStreamID,
            payload: payload
        )
    }

    /// `|RtmpSampleAccess(audio, video)`, sent to players after Play.Start (SRS sends true, true).
    public static func sampleAccess(audio: Bool = true, video: Bool = true) -> RTMPDataMessage {
        RTMPDataMessage(handler: Handler.sampleAccess, values: [.boolean(audio), .boolean(video)])
    }

    /// `onStatus({code: NetStream.Data.Start})` as a data message, sent by FMS after Play.Start.
    public static let dataStart = RTMPDataMessage(
        handler: Handler.onStatus,
        values: [.object([AMF0Property(RTMPStatus.Key.code, .string(RTMPStatusCode.dataStart.rawValue))])]
    )

    /// The AMF0 part of a data message's payload (a slice; type 15's format byte skipped).
    static func amf0Body(of message: RTMPMessage) throws(RTMPMessageError) -> ByteBuffer {
        var payload = message.payload
        switch message.type {
        case .amf0Data:
            return payload
        case .amf3Data:
            if payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0 {
                payload.moveReaderIndex(forwardBy: 1)
            }
            return payload
        default:
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "not a data message")
        }
    }
}

extension RTMPDataMessage {
    /// A data message as it goes into the hub: the FLV script tag body, and whether it is metadata.
    public struct ScriptBody: Sendable {
        /// The handler name of the body (after `@setDataFrame` is stripped).
        public var handler: String
        /// An FLV SCRIPTDATA body: AMF0 handler name then its values (FLV spec §E.4.4).
        public var payload: ByteBuffer
        /// `onMetaData`; maps to `MediaPacket.Flags.metadata`.
        public var isMetadata: Bool
    }

    /// Turns a published data message into an FLV script body for the hub.
    ///
    /// `@setDataFrame, onMetaData, {…}` becomes `onMetaData, <ECMA array>` (an object is turned
    /// into an ECMA array, the FLV convention); other `@setDataFrame` payloads lose the wrapper.
    /// A plain `onMetaData` and any other data (`onTextData`, `onCuePoint`) pass as they are, as a
    /// slice of the message payload (type 15 without its format byte); only the first value is decoded.
    /// - Throws: `RTMPMessageError.malformedData` for bad AMF0 or a missing handler name.
    public static func scriptBody(of message: RTMPMessage) throws(RTMPMessageError) -> ScriptBody {
        let body = try amf0Body(of: message)
        var reader = body
        let first: AMF0Value?
        do {
            first = try reader.readAMF0Value()
        } catch {
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "\(error)")
        }
        guard let handler = first?.stringValue else {
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "no handler name")
        }
        guard handler == Handler.setDataFrame else {
            return ScriptBody(handler: handler, payload: body, isMetadata: handler == Handler.onMetaData)
        }
        let unwrapped = try RTMPDataMessage(message)
        guard let innerName = unwrapped.values.first?.stringValue else {
            throw RTMPMessageError.malformedData.with(typeID: message.typeID, detail: "@setDataFrame without a name")
        }
        var values = Array(unwrapped.values.dropFirst())
        let isMetadata = innerName == Handler.onMetaData
        if isMetadata, case .object(let properties)? = values.first { values[0] = .ecmaArray(properties) }
        var payload = ByteBuffer()
        payload.writeAMF0Value(.string(innerName))
        payload.writeAMF0Values(values)
        return ScriptBody(handler: innerName, payload: payload, isMetadata: isMetadata)
    }
}
