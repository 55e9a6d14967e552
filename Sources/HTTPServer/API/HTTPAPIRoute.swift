/// The endpoints of SRS's HTTP API that Headwater serves, parsed from a request path.
///
/// Pure (no Hummingbird; the methods are in `HTTPAPIRoute+Methods.swift`) so that the fuzzer in `Fuzz/` can
/// compile it on its own.
enum HTTPAPIRoute: Hashable, Sendable {
    /// `/api/v1`: the list of endpoints.
    case index
    case versions
    case summaries
    /// `/api/v1/vhosts` or `/api/v1/vhosts/{id}`.
    case vhosts(id: String?)
    case streams(id: String?)
    case clients(id: String?)
    /// `/api/v1/upstreams`: every edge pull, edge push and forward (Headwater's own).
    case upstreams

    /// Parses `/api/v1/...`; a trailing slash is ignored (`/api/v1/streams/` lists, as in SRS).
    /// - Returns: `nil` for paths that are not one of these endpoints.
    init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "api", parts[1] == "v1" else { return nil }
        guard parts.count > 2 else {
            self = .index
            return
        }
        let id = parts.count == 4 ? String(parts[3]) : nil
        guard parts.count <= 4 else { return nil }
        switch parts[2] {
        case "versions" where id == nil: self = .versions
        case "summaries" where id == nil: self = .summaries
        case "vhosts": self = .vhosts(id: id)
        case "streams": self = .streams(id: id)
        case "clients": self = .clients(id: id)
        case "upstreams" where id == nil: self = .upstreams
        default: return nil
        }
    }
}
