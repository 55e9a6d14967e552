import NIOConcurrencyHelpers

/// Shared between the runner and one publisher: the runner asks it to stop; the publisher reports
/// whether it is publishing and how many bytes it sent.
public final class PublisherControl: Sendable {
    private struct State {
        var stopRequested = false
        var publishing = false
        var failed = false
        var bytesSent = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func requestStop() { state.withLockedValue { $0.stopRequested = true } }
    var stopRequested: Bool { state.withLockedValue { $0.stopRequested } }

    public var isPublishing: Bool { state.withLockedValue { $0.publishing } }
    public var hasFailed: Bool { state.withLockedValue { $0.failed } }
    public var bytesSent: Int { state.withLockedValue { $0.bytesSent } }

    func setPublishing(_ publishing: Bool) { state.withLockedValue { $0.publishing = publishing } }
    func setFailed() { state.withLockedValue { $0.failed = true } }
    func addBytes(_ count: Int) { state.withLockedValue { $0.bytesSent += count } }
}
