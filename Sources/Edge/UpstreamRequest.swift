public import Config
public import Live
public import RTMP
import Foundation
import Media

/// What an edge asks of an upstream server: the URL (same app, stream and params as its client, the
/// vhost carried as `?vhost=` because the server is reached by address) and the `connect` it sends.
public enum UpstreamRequest {
    /// The query key SRS and Headwater read a vhost from.
    static let vhostParameter = "vhost"

    /// The URL to play or publish `key` on `server`.
    /// - Parameters:
    ///   - param: the client's `?query` (or an empty string); a `vhost` item in it is replaced.
    ///   - vhost: the vhost to ask for (`cluster.vhost`, or the client's); the default vhost is not named.
    public static func url(server: UpstreamAddress, key: StreamKey, param: String, vhost: String?) -> RTMPURL {
        let query = param.hasPrefix("?") ? String(param.dropFirst()) : param
        var items = query.split(separator: "&").map(String.init).filter {
            !$0.hasPrefix(vhostParameter + "=") && !$0.isEmpty
        }
        let askedVhost = vhost ?? key.vhost
        if askedVhost != VhostConfiguration.defaultName {
            items.insert("\(vhostParameter)=\(askedVhost)", at: 0)
        }
        return RTMPURL(
            host: server.host, port: server.port, app: key.app, stream: key.stream,
            query: items.joined(separator: "&"))
    }

    /// The `connect` for `url`: ffmpeg's, plus (with `debug_srs_upnode`) an object naming this edge, as SRS
    /// does, so the origin's logs and API can tell edges apart.
    public static func connect(for url: RTMPURL, publishing: Bool, debugUpnode: Bool) -> RTMPConnectCommand {
        var command = RTMPConnectCommand.client(app: url.app, tcUrl: url.tcUrl, publishing: publishing)
        if debugUpnode {
            command.optionalArguments.append(
                .object([
                    AMF0Property(RTMPConnectCommand.edgeMarkerKey, .boolean(true)),
                    AMF0Property("headwater_pid", .number(Double(ProcessInfo.processInfo.processIdentifier))),
                ]))
        }
        return command
    }
}
