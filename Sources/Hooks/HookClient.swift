public import AsyncHTTPClient
public import Config
public import Logging
import Metrics
public import NIOCore
import NIOHTTP1
import Sessions

/// What one callback came to.
public enum HookOutcome: Sendable, Hashable {
    /// 200/201 with `0` or `{"code":0}`.
    case allowed
    /// The hook server answered, and not with an allow.
    case denied(reason: String)
    /// No answer in time, or no connection: `on_failure` decides what it means.
    case failed(reason: String, timedOut: Bool)
}

/// POSTs callback bodies to configured URLs with AsyncHTTPClient on the server's event loops.
///
/// Each call has a deadline (the vhost's `timeout`), so a hung hook server costs the waiting client
/// that long and nothing else: no loop blocks and other clients' calls run meanwhile. Only
/// configured URLs are requested; client input travels in the JSON body alone.
public final class HookClient: Sendable {
    /// The largest answer read; SRS hooks answer with a few bytes.
    public static let maximumResponseBytes = 64 * 1024

    private let http: HTTPClient
    private let logger: Logger

    /// - Parameter group: the server's event loop group, shared (not owned): call `shutdown()` before it stops.
    public init(group: any EventLoopGroup, logger: Logger) {
        var configuration = HTTPClient.Configuration()
        // A callback is answered where it is sent; a redirect could lead a body anywhere.
        configuration.redirectConfiguration = .disallow
        // The default of 8 connections per host would queue every client behind 8 slow callbacks;
        // the policy bounds how many calls are in flight instead.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit =
            HooksPolicy.maximumDecisionsInFlight + HooksPolicy.maximumNotificationsInFlight
        self.http = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        self.logger = logger
    }

    /// Closes pooled connections; calls in flight fail.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// POSTs `body` to `url`, recording `MetricLabel`'s hook latency and failures.
    /// - Parameters:
    ///   - eventLoop: where the answer is delivered.
    public func post(
        _ body: HookBody, to url: String, hook: HTTPHooksConfiguration.Hook, timeout: Duration,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<HookOutcome> {
        let started = NIODeadline.now()
        let request: HTTPClient.Request
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .string(body.json))
        } catch {
            return eventLoop.makeSucceededFuture(record(.failed(reason: "bad URL \(url): \(error)", timedOut: false), hook: hook, started: started))
        }
        let delegate = ResponseAccumulator(request: request, maxBodySize: Self.maximumResponseBytes)
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(timeout))
        let task = http.execute(request: request, delegate: delegate, eventLoop: .delegate(on: eventLoop), deadline: deadline)
        return task.futureResult.hop(to: eventLoop).map { response -> HookOutcome in
            let text = response.body.map { String(buffer: $0) } ?? ""
            if let reason = HookResponse.denial(status: response.status.code, body: text) {
                return .denied(reason: "\(hook.rawValue) \(url): \(reason)")
            }
            return .allowed
        }.recover { error -> HookOutcome in
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded
                || (error as? HTTPClientError) == .connectTimeout || (error as? HTTPClientError) == .readTimeout
            let what = timedOut ? "no answer within \(timeout)" : "\(error)"
            return .failed(reason: "\(hook.rawValue) \(url): \(what)", timedOut: timedOut)
        }.map { [self] outcome in
            record(outcome, hook: hook, started: started)
        }
    }

    private func record(_ outcome: HookOutcome, hook: HTTPHooksConfiguration.Hook, started: NIODeadline) -> HookOutcome {
        let elapsed = NIODeadline.now() - started
        Timer(label: MetricLabel.hookDuration, dimensions: [("hook", hook.rawValue)])
            .recordNanoseconds(elapsed.nanoseconds)
        switch outcome {
        case .allowed:
            logger.debug("hook allowed", metadata: ["hook": "\(hook.rawValue)", "ms": "\(elapsed.nanoseconds / 1_000_000)"])
        case .denied(let reason):
            Counter(label: MetricLabel.hookFailures, dimensions: [("hook", hook.rawValue), ("result", "denied")]).increment()
            logger.info("hook denied", metadata: ["reason": "\(reason)"])
        case .failed(let reason, let timedOut):
            let result = timedOut ? "timeout" : "error"
            Counter(label: MetricLabel.hookFailures, dimensions: [("hook", hook.rawValue), ("result", result)]).increment()
            logger.warning("hook failed", metadata: ["reason": "\(reason)"])
        }
        return outcome
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
