public import Media

/// The NetConnection `connect` command (RTMP 1.0 §7.2.1.1): the command object's properties in
/// wire order, plus any optional user arguments after it (ffmpeg's `-rtmp_conn`, auth tokens).
public struct RTMPConnectCommand: Sendable, Hashable {
    /// Property names of the command object.
    public enum Key {
        public static let app = "app"
        public static let type = "type"
        public static let flashVer = "flashVer"
        public static let swfUrl = "swfUrl"
        public static let tcUrl = "tcUrl"
        public static let fpad = "fpad"
        public static let capabilities = "capabilities"
        public static let audioCodecs = "audioCodecs"
        public static let videoCodecs = "videoCodecs"
        public static let videoFunction = "videoFunction"
        public static let pageUrl = "pageUrl"
        public static let objectEncoding = "objectEncoding"
    }

    /// Usually 1.
    public var transactionID: Double
    /// The command object, in wire order.
    public var properties: [AMF0Property]
    /// Values after the command object.
    public var optionalArguments: [AMF0Value]

    /// Creates a `connect` from its command object and optional arguments.
    public init(transactionID: Double = 1, properties: [AMF0Property], optionalArguments: [AMF0Value] = []) {
        self.transactionID = transactionID
        self.properties = properties
        self.optionalArguments = optionalArguments
    }

    private func string(_ key: String) -> String? { properties.first(where: { $0.key == key })?.value.stringValue }

    /// The application (`live`, or FMLE's `live?k=v`).
    public var app: String? { string(Key.app) }
    /// The target URL without the stream: `rtmp://host[:port]/app`.
    public var tcUrl: String? { string(Key.tcUrl) }
    /// The client's version string (`FMLE/3.0 (compatible; …)`, `LNX 9,0,124,2`).
    public var flashVer: String? { string(Key.flashVer) }
    /// The URL of the SWF that connects, if any.
    public var swfUrl: String? { string(Key.swfUrl) }
    /// The URL of the web page that connects, if any.
    public var pageUrl: String? { string(Key.pageUrl) }
    /// `nonprivate` from FMLE-style publishers.
    public var type: String? { string(Key.type) }
    /// 0 for AMF0 (the default when absent), 3 for AMF3.
    public var objectEncoding: Double {
        properties.first(where: { $0.key == Key.objectEncoding })?.value.numberValue ?? 0
    }
}

extension RTMPConnectCommand {
    /// The Flash Player version string that ffmpeg sends when playing, accepted by every server.
    public static let defaultFlashVersion = "LNX 9,0,124,2"
    /// SUPPORT_SND_* bits for every codec except Intel and unused (what ffmpeg and Flash send).
    public static let allAudioCodecs: Double = 4071
    /// SUPPORT_VID_* bits for Sorenson through H.264 (what ffmpeg and Flash send).
    public static let allVideoCodecs: Double = 252
    /// Capabilities a player announces.
    public static let clientCapabilities: Double = 15
    /// SUPPORT_VID_CLIENT_SEEK.
    public static let clientVideoFunction: Double = 1

    /// A client `connect` with the properties ffmpeg and Flash send, in their order.
    /// - Parameters:
    ///   - app: the application, e.g. `live`.
    ///   - tcUrl: `rtmp://host[:port]/app`.
    ///   - publishing: adds `type: nonprivate` as FMLE/ffmpeg do when publishing.
    ///   - flashVer: the client's version string.
    public static func client(
        app: String,
        tcUrl: String,
        publishing: Bool,
        flashVer: String = defaultFlashVersion,
        transactionID: Double = 1
    ) -> RTMPConnectCommand {
        var properties = [AMF0Property(Key.app, .string(app))]
        if publishing { properties.append(AMF0Property(Key.type, .string("nonprivate"))) }
        properties += [
            AMF0Property(Key.flashVer, .string(flashVer)),
            AMF0Property(Key.tcUrl, .string(tcUrl)),
            AMF0Property(Key.fpad, .boolean(false)),
            AMF0Property(Key.capabilities, .number(clientCapabilities)),
            AMF0Property(Key.audioCodecs, .number(allAudioCodecs)),
            AMF0Property(Key.videoCodecs, .number(allVideoCodecs)),
            AMF0Property(Key.videoFunction, .number(clientVideoFunction)),
            AMF0Property(Key.objectEncoding, .number(0)),
        ]
        return RTMPConnectCommand(transactionID: transactionID, properties: properties)
    }
}

extension RTMPConnectCommand {
    /// The property a Headwater edge sets in an object after its upstream `connect` (`debug_srs_upnode`).
    public static let edgeMarkerKey = "headwater_edge"

    /// Whether the client says it is a Headwater edge pulling or pushing for its own clients.
    public var isFromEdge: Bool {
        optionalArguments.contains { argument in
            guard case .object(let properties) = argument else { return false }
            return properties.contains { $0.key == Self.edgeMarkerKey && $0.value == .boolean(true) }
        }
    }
}
