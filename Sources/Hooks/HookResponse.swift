import Foundation

/// How SRS reads a callback's answer (srs_app_http_hooks.cpp `do_post`): the status must be 200 or
/// 201, and the body either `0` or a JSON object whose `code` is 0. Anything else refuses.
public enum HookResponse {
    /// The statuses that may allow (HTTP 200 OK, 201 Created).
    static let allowingStatuses: Set<UInt> = [200, 201]

    /// - Returns: `nil` when the answer allows, else why it does not.
    public static func denial(status: UInt, body: String) -> String? {
        guard allowingStatuses.contains(status) else { return "HTTP status \(status)" }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "empty response body" }
        if trimmed == "0" { return nil }
        guard let data = trimmed.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return "response body is neither 0 nor a JSON object" }
        switch object["code"] {
        case let code as Int: return code == 0 ? nil : "response code \(code)"
        case let code as Double: return code == 0 ? nil : "response code \(code)"
        case .some(let code): return "response code \(code)"
        case .none: return "response has no code"
        }
    }
}
