public import Media

/// The info object of `onStatus`, `onFCPublish` and `_error` (RTMP 1.0 §7.2.2): level, code,
/// description, and the optional `details`/`clientid` that FMS, SRS and ffmpeg add.
public struct RTMPStatus: Sendable, Hashable {
    /// The `level` property.
    public enum Level: String, Sendable, Hashable {
        case status
        case warning
        case error
    }

    /// `error` makes ffmpeg and librtmp give up.
    public var level: Level
    /// The status code (`NetStream.Publish.Start`, …).
    public var code: RTMPStatusCode
    public var description: String
    /// Usually the stream name.
    public var details: String?
    /// Written as `clientid`.
    public var clientID: String?
    /// Any further properties in wire order (`objectEncoding`, `data`, `ex`, …).
    public var otherProperties: [AMF0Property]

    /// Creates an info object.
    public init(
        level: Level = .status,
        code: RTMPStatusCode,
        description: String,
        details: String? = nil,
        clientID: String? = nil,
        otherProperties: [AMF0Property] = []
    ) {
        self.level = level
        self.code = code
        self.description = description
        self.details = details
        self.clientID = clientID
        self.otherProperties = otherProperties
    }

    enum Key {
        static let level = "level"
        static let code = "code"
        static let description = "description"
        static let details = "details"
        static let clientID = "clientid"
    }

    /// Reads an info object. A missing `level` reads as `.status` (SRS's `onFCPublish` has none),
    /// an unknown one as `.error` only when it says so, else `.status`.
    /// - Returns: `nil` when `value` is not object-like or has no string `code`.
    public init?(_ value: AMF0Value) {
        guard let properties = value.properties, let code = value[Key.code]?.stringValue else { return nil }
        self.level = value[Key.level]?.stringValue.flatMap(Level.init(rawValue:)) ?? .status
        self.code = RTMPStatusCode(rawValue: code)
        self.description = value[Key.description]?.stringValue ?? ""
        self.details = value[Key.details]?.stringValue
        self.clientID = value[Key.clientID]?.stringValue
        let known: Set<String> = [Key.level, Key.code, Key.description, Key.details, Key.clientID]
        self.otherProperties = properties.filter { !known.contains($0.key) }
    }

    /// The info object: level, code, description, then details, clientid and the other properties.
    /// - Parameter includingLevel: `false` for `onFCPublish`/`onFCUnpublish`, which carry no level.
    public func amf0Value(includingLevel: Bool = true) -> AMF0Value {
        var properties: [AMF0Property] = []
        if includingLevel { properties.append(AMF0Property(Key.level, .string(level.rawValue))) }
        properties.append(AMF0Property(Key.code, .string(code.rawValue)))
        properties.append(AMF0Property(Key.description, .string(description)))
        if let details { properties.append(AMF0Property(Key.details, .string(details))) }
        if let clientID { properties.append(AMF0Property(Key.clientID, .string(clientID))) }
        return .object(properties + otherProperties)
    }
}
