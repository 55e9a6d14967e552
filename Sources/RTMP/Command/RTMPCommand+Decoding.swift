import Media
import NIOCore

extension RTMPCommand {
    /// Decodes a command message of type 20 (AMF0) or 17 (AMF3 command with a leading 0x00 byte).
    ///
    /// Decoding is lenient where real peers are sloppy: a missing command object, stream name or
    /// publish type reads as empty/`live`; a missing transaction id as 0.
    /// - Throws: `RTMPMessageError.malformedCommand` for another message type, undecodable AMF0,
    ///   or a payload that does not start with a command name.
    public init(_ message: RTMPMessage) throws(RTMPMessageError) {
        let values = try Self.amf0Values(of: message)
        guard let name = values.first?.stringValue else {
            throw RTMPMessageError.malformedCommand.with(typeID: message.typeID, detail: "no command name")
        }
        let transactionID = values.count > 1 ? values[1].numberValue : nil
        let arguments = Array(values.dropFirst(transactionID == nil ? 1 : 2))
        self = Self.make(name: name, transactionID: transactionID ?? 0, arguments: arguments)
    }

    static func amf0Values(of message: RTMPMessage) throws(RTMPMessageError) -> [AMF0Value] {
        var payload = message.payload
        switch message.type {
        case .amf0Command:
            break
        case .amf3Command:
            // The AMF3 command body starts with a format byte of 0, then AMF0 values (RTMP 1.0 §7.1.1).
            if payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0 {
                payload.moveReaderIndex(forwardBy: 1)
            }
        default:
            throw RTMPMessageError.malformedCommand.with(typeID: message.typeID, detail: "not a command message")
        }
        do {
            return try payload.readAMF0Values()
        } catch {
            throw RTMPMessageError.malformedCommand.with(typeID: message.typeID, detail: "\(error)")
        }
    }

    private static func make(name: String, transactionID: Double, arguments: [AMF0Value]) -> RTMPCommand {
        // Most commands carry a null command object first, then their parameters.
        let parameters = Array(arguments.dropFirst())
        func string(_ index: Int) -> String { index < parameters.count ? parameters[index].stringValue ?? "" : "" }
        func number(_ index: Int) -> Double? { index < parameters.count ? parameters[index].numberValue : nil }

        guard let known = RTMPCommandName(rawValue: name) else {
            return .unknown(name: name, transactionID: transactionID, arguments: arguments)
        }
        switch known {
        case .connect:
            let properties = arguments.first?.properties ?? []
            return .connect(
                RTMPConnectCommand(
                    transactionID: transactionID,
                    properties: properties,
                    optionalArguments: parameters
                )
            )
        case .releaseStream: return .releaseStream(transactionID: transactionID, streamName: string(0))
        case .fcPublish: return .fcPublish(transactionID: transactionID, streamName: string(0))
        case .fcUnpublish: return .fcUnpublish(transactionID: transactionID, streamName: string(0))
        case .createStream: return .createStream(transactionID: transactionID)
        case .deleteStream:
            let id = number(0) ?? 0
            return .deleteStream(
                transactionID: transactionID,
                streamID: id >= 0 && id <= Double(UInt32.max) ? UInt32(id) : 0
            )
        case .publish:
            let type = RTMPPublishType(rawValue: string(1).lowercased()) ?? .live
            return .publish(transactionID: transactionID, streamName: string(0), type: type)
        case .play:
            return .play(playCommand(transactionID: transactionID, parameters: parameters))
        case .play2:
            return .play2(transactionID: transactionID, parameters: parameters.first ?? .null)
        case .pause:
            let flag = parameters.first?.boolValue ?? (parameters.first?.numberValue).map { $0 != 0 } ?? false
            return .pause(transactionID: transactionID, isPause: flag, milliseconds: number(1) ?? 0)
        case .closeStream: return .closeStream
        case .getStreamLength: return .getStreamLength(transactionID: transactionID, streamName: string(0))
        case .checkBandwidth: return .checkBandwidth(transactionID: transactionID)
        case .result: return .result(transactionID: transactionID, values: arguments)
        case .error: return .error(transactionID: transactionID, values: arguments)
        case .onBWDone: return .onBWDone
        case .onStatus, .onFCPublish, .onFCUnpublish:
            // The info object follows the null command object; tolerate it coming first.
            guard let status = parameters.first.flatMap(RTMPStatus.init) ?? arguments.first.flatMap(RTMPStatus.init)
            else { return .unknown(name: name, transactionID: transactionID, arguments: arguments) }
            switch known {
            case .onFCPublish: return .onFCPublish(status)
            case .onFCUnpublish: return .onFCUnpublish(status)
            default: return .onStatus(status)
            }
        }
    }

    private static func playCommand(transactionID: Double, parameters: [AMF0Value]) -> RTMPPlayCommand {
        var play = RTMPPlayCommand(transactionID: transactionID, streamName: parameters.first?.stringValue ?? "")
        if parameters.count > 1 { play.start = parameters[1].numberValue }
        if parameters.count > 2 { play.duration = parameters[2].numberValue }
        if parameters.count > 3 {
            // Old clients send reset as a number.
            play.reset = parameters[3].boolValue ?? parameters[3].numberValue.map { $0 != 0 }
        }
        return play
    }
}
