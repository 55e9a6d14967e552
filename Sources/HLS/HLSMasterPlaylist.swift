import Foundation

/// A master playlist (RFC 8216 §4.3.4): one `#EXT-X-STREAM-INF` per variant stream, in the given order.
public struct HLSMasterPlaylist: Sendable, Hashable {
    /// One variant stream (§4.3.4.2).
    public struct Variant: Sendable, Hashable {
        /// The variant's media playlist, as written in the master (relative, or with the entry prefix).
        public var uri: String
        /// Peak segment bit rate, bits per second (`BANDWIDTH`).
        public var bandwidth: Int
        /// Average segment bit rate, bits per second (`AVERAGE-BANDWIDTH`); omitted when `nil`.
        public var averageBandwidth: Int?
        /// Picture size in pixels (`RESOLUTION`); omitted for audio-only variants.
        public var width: Int?
        public var height: Int?
        /// RFC 6381 codec names (`CODECS`), e.g. `avc1.64001f`, `mp4a.40.2`; omitted when empty.
        public var codecs: [String]
        /// Frames per second (`FRAME-RATE`); omitted when `nil`.
        public var frameRate: Double?

        public init(
            uri: String, bandwidth: Int, averageBandwidth: Int? = nil, width: Int? = nil, height: Int? = nil,
            codecs: [String] = [], frameRate: Double? = nil
        ) {
            self.uri = uri
            self.bandwidth = bandwidth
            self.averageBandwidth = averageBandwidth
            self.width = width
            self.height = height
            self.codecs = codecs
            self.frameRate = frameRate
        }
    }

    public var variants: [Variant]

    public init(variants: [Variant]) {
        self.variants = variants
    }

    /// The playlist text, UTF-8, one tag per line.
    public func render() -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
        for variant in variants {
            var attributes = ["BANDWIDTH=\(variant.bandwidth)"]
            if let average = variant.averageBandwidth { attributes.append("AVERAGE-BANDWIDTH=\(average)") }
            if let width = variant.width, let height = variant.height, width > 0, height > 0 {
                attributes.append("RESOLUTION=\(width)x\(height)")
            }
            if !variant.codecs.isEmpty { attributes.append("CODECS=\"\(variant.codecs.joined(separator: ","))\"") }
            // §4.3.4.2: a decimal-floating-point with at most three decimals.
            if let rate = variant.frameRate, rate > 0 { attributes.append("FRAME-RATE=\(String(format: "%.3f", rate))") }
            lines.append("#EXT-X-STREAM-INF:" + attributes.joined(separator: ","))
            lines.append(variant.uri)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
