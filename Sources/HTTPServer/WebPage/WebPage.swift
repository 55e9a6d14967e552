/// The page served at `/` when the HTTP root has no `index.html`: the live streams with their RTMP,
/// HTTP-FLV and HLS URLs and a player, refreshed from the JSON API every few seconds.
///
/// Plain HTML, CSS and JavaScript, all in this module (no CDN). The script inserts data only with
/// `textContent` and attributes, never `innerHTML`, so a stream name cannot inject markup. A page
/// opened as `/?api=/path.json` reads its list from that path on the same server instead.
public struct WebPage: Sendable, Hashable {
    /// The port RTMP listens on, for the `rtmp://` URLs (the host is the one the browser used).
    public var rtmpPort: Int
    /// Where the script reads the streams (SRS's `/api/v1/streams` shape).
    public var apiPath: String
    /// The HTTP-FLV path of a stream, `[app]` and `[stream]` replaced (SRS `http_remux` `mount`).
    public var flvPathTemplate: String
    /// The HLS playlist path of a stream, `[app]` and `[stream]` replaced (SRS `hls_m3u8_file`).
    public var hlsPathTemplate: String
    /// How often the list is refreshed, in milliseconds.
    public var refreshMilliseconds: Int

    /// - Parameters:
    ///   - rtmpPort: The RTMP port.
    ///   - apiPath: The streams API.
    ///   - flvPathTemplate: The HTTP-FLV path template.
    ///   - hlsPathTemplate: The HLS path template.
    ///   - refreshMilliseconds: The refresh period.
    public init(
        rtmpPort: Int,
        apiPath: String = "/api/v1/streams",
        flvPathTemplate: String = "/[app]/[stream].flv",
        hlsPathTemplate: String = "/[app]/[stream].m3u8",
        refreshMilliseconds: Int = 3000
    ) {
        self.rtmpPort = rtmpPort
        self.apiPath = apiPath
        self.flvPathTemplate = flvPathTemplate
        self.hlsPathTemplate = hlsPathTemplate
        self.refreshMilliseconds = refreshMilliseconds
    }

    /// The HTML document.
    public func render() -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Headwater: live streams</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body data-api="\(Self.escapeAttribute(apiPath))" data-rtmp-port="\(rtmpPort)" \
        data-flv="\(Self.escapeAttribute(flvPathTemplate))" data-hls="\(Self.escapeAttribute(hlsPathTemplate))" \
        data-refresh="\(refreshMilliseconds)">
        <header>
        <h1>Headwater</h1>
        <p id="status" role="status">Loading the live streams…</p>
        </header>
        <main id="streams"></main>
        <section id="empty" hidden>
        <p>No live streams right now. Publish one, for example:</p>
        <pre><code id="publish-example"></code></pre>
        </section>
        <script>
        \(Self.script)
        </script>
        </body>
        </html>

        """
    }

    /// Escapes text for a double-quoted HTML attribute value (HTML §13.1.2.3).
    static func escapeAttribute(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
