import RTMP

/// The URL rules a server applies to what clients send: `connect`'s tcUrl and app and the `publish`/`play`
/// name (`RTMPStreamRequest`), and the URLs of edges and forwards (`RTMPURL`). The input is the three
/// fields separated by NUL bytes, decoded as UTF-8 (invalid sequences become U+FFFD, as a peer's AMF
/// string does).
///
/// Properties: parsing never traps and gives the same answer twice; a resolved request has a non-empty
/// stream without `/` or `?`, an app without empty segments or `?`, and a lower-case host; a parsed
/// `RTMPURL` resolves without trapping.
enum RTMPURLFuzzer {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let fields = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let tcUrl = fields.first ?? ""
        let app = fields.count > 1 ? fields[1] : nil
        let name = fields.count > 2 ? fields[2] : ""

        let request = try? RTMPStreamRequest(tcUrl: tcUrl, connectApp: app, streamName: name)
        fuzzCheck(request == (try? RTMPStreamRequest(tcUrl: tcUrl, connectApp: app, streamName: name)), "not deterministic")
        if let request {
            fuzzCheck(!request.stream.isEmpty, "empty stream")
            fuzzCheck(!request.stream.contains("/") && !request.stream.contains("?"), "stream \(request.stream)")
            fuzzCheck(!request.app.contains("?"), "app \(request.app)")
            fuzzCheck(!request.app.split(separator: "/", omittingEmptySubsequences: false).contains(""), "app \(request.app)")
            fuzzCheck(request.host == request.host.lowercased(), "host \(request.host)")
            _ = request.streamKey
            _ = request.query
        }
        if let url = try? RTMPURL(tcUrl) {
            _ = url.description
            _ = try? RTMPStreamRequest(url: url)
        }
    }
}
