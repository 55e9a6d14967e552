@testable import HTTPParsing

/// The HTTP API's request parsing: the route from the path, `start`/`count` from the query, a client id.
///
/// Properties: a parsed route's canonical path parses to the same route; a page is in range and slicing any
/// list with it stays in bounds.
enum APIRequestFuzzer {
    private static let lists: [[Int]] = [[], [0], Array(0..<10), Array(0..<(HTTPAPIPage.maximumCount + 3))]

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let target = String(decoding: bytes, as: UTF8.self)
        let path = target.prefix { $0 != "?" }
        let query = target.dropFirst(path.count + 1)

        if let route = HTTPAPIRoute(path: String(path)) {
            let back = HTTPAPIRoute(path: canonicalPath(of: route))
            fuzzCheck(back == route, "route \(route) does not survive its canonical path")
            if case .clients(let id?) = route {
                _ = UInt64(id)
            }
        }

        var start: String?
        var count: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch parts.first {
            case "start": start = value
            case "count": count = value
            default: continue
            }
        }
        guard let page = HTTPAPIPage(start: start, count: count) else { return }
        fuzzCheck(page.start >= 0 && (1...HTTPAPIPage.maximumCount).contains(page.count), "page out of range: \(page)")
        for list in lists {
            let slice = page.slice(of: list)
            fuzzCheck(slice.count <= page.count && slice.allSatisfy { $0 >= page.start }, "slice out of its page")
        }
    }

    private static func canonicalPath(of route: HTTPAPIRoute) -> String {
        switch route {
        case .index: "/api/v1"
        case .versions: "/api/v1/versions"
        case .summaries: "/api/v1/summaries"
        case .upstreams: "/api/v1/upstreams"
        case .vhosts(let id): "/api/v1/vhosts" + (id.map { "/" + $0 } ?? "")
        case .streams(let id): "/api/v1/streams" + (id.map { "/" + $0 } ?? "")
        case .clients(let id): "/api/v1/clients" + (id.map { "/" + $0 } ?? "")
        }
    }
}
