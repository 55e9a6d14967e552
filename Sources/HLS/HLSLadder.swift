public import Live

/// An adaptive bitrate ladder: a published source stream and the renditions transcoded from it, as the HLS
/// output needs to know them to align segment cuts and list every variant in one master playlist.
public struct HLSLadder: Sendable, Hashable {
    /// One transcoded rendition of the source.
    public struct Rendition: Sendable, Hashable {
        /// The stream the rendition is published as.
        public var key: StreamKey
        /// The configured bit rate, bits per second: the least `BANDWIDTH` the master playlist announces
        /// for it (measured rates below it are raised to it); `nil` when none is configured.
        public var bandwidth: Int?

        public init(key: StreamKey, bandwidth: Int? = nil) {
            self.key = key
            self.bandwidth = bandwidth
        }
    }

    public var source: StreamKey
    public var renditions: [Rendition]

    public init(source: StreamKey, renditions: [Rendition]) {
        self.source = source
        self.renditions = renditions
    }

    /// Whether `key` is the source or one of the renditions.
    public func contains(_ key: StreamKey) -> Bool {
        key == source || renditions.contains { $0.key == key }
    }

    /// The configured bit rate of `key`, when it is a rendition with one.
    func bandwidthHint(for key: StreamKey) -> Int? {
        renditions.first { $0.key == key }?.bandwidth
    }
}
