/// Why an edge could not pull or push.
public struct EdgeError: Error, Hashable, CustomStringConvertible {
    public let description: String

    static func notImplemented(_ what: String) -> EdgeError { EdgeError(description: "\(what) is not implemented") }
    /// Every origin refused or failed.
    static func noOrigin(_ detail: String) -> EdgeError { EdgeError(description: "no origin accepted: \(detail)") }
}
