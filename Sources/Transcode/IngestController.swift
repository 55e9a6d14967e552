public import Config
import Foundation
public import Logging
import NIOConcurrencyHelpers

/// Runs the server's ingests (SRS `ingest ID { }`): one thread per enabled ingest and engine with an
/// output, each reading its input with libav and publishing it as a live stream.
public final class IngestController: Sendable {
    /// How long `shutdown` waits for the threads.
    public static let shutdownTimeout: Duration = .seconds(3)
    /// `[app]` of an ingest's output: an ingest has no publish of its own to take it from.
    public static let defaultApp = "live"

    private let outputs: any TranscodeOutputs
    private let logger: Logger
    private let rtmpPort: @Sendable () -> Int
    private let sessions = NIOLockedValueBox<[String: IngestSession]>([:])

    /// - Parameter rtmpPort: the `[port]` of output URLs (this server's first RTMP port).
    public init(outputs: any TranscodeOutputs, logger: Logger, rtmpPort: @escaping @Sendable () -> Int) {
        self.outputs = outputs
        self.logger = logger
        self.rtmpPort = rtmpPort
    }

    /// Starts every enabled ingest of every vhost.
    public func start(_ configuration: ServerConfiguration) {
        reload(configuration)
    }

    /// Stops ingests that were removed or changed, starts new ones, and leaves unchanged ones running.
    public func reload(_ configuration: ServerConfiguration) {
        let plans = Self.plans(configuration, port: rtmpPort())
        let (stopped, started) = sessions.withLockedValue { sessions in
            var stopped: [IngestSession] = []
            var started: [IngestSession] = []
            for (key, session) in sessions where plans[key] != session.plan {
                stopped.append(session)
                sessions[key] = nil
            }
            for (key, plan) in plans where sessions[key] == nil {
                let session = IngestSession(plan: plan, outputs: outputs, logger: logger)
                sessions[key] = session
                started.append(session)
            }
            return (stopped, started)
        }
        // A replaced session's publish ends as its thread leaves; its successor retries until then.
        for session in stopped { session.stop() }
        for session in started { session.start() }
    }

    /// Stops every ingest and waits (bounded) for their threads.
    public func shutdown() async {
        let all = sessions.withLockedValue { sessions in
            defer { sessions = [:] }
            return Array(sessions.values)
        }
        for session in all { session.stop() }
        guard !all.isEmpty else { return }
        let logger = self.logger
        // Joining blocks, so it happens on a thread of its own rather than the caller's executor.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let joiner = Thread {
                let deadline = ContinuousClock.now + Self.shutdownTimeout
                for session in all {
                    let left = max(.zero, deadline - ContinuousClock.now)
                    if !session.join(timeout: left) {
                        logger.warning("ingest thread did not stop in time", metadata: ["ingest.id": "\(session.plan.ingest.id)"])
                    }
                }
                continuation.resume()
            }
            joiner.start()
        }
    }

    /// The running ingests, sorted by vhost, id and engine.
    public func statuses() -> [IngestStatus] {
        sessions.withLockedValue { sessions in
            sessions.keys.sorted().compactMap { sessions[$0]?.snapshot }
        }
    }

    /// The sessions `configuration` asks for, by key.
    static func plans(_ configuration: ServerConfiguration, port: Int) -> [String: IngestSession.Plan] {
        var plans: [String: IngestSession.Plan] = [:]
        for (name, vhost) in configuration.vhosts where vhost.enabled {
            for ingest in vhost.ingests where ingest.enabled && !ingest.inputURL.isEmpty {
                for engine in ingest.engines where !engine.output.isEmpty {
                    let url = engine.outputURL(vhost: name, port: port, app: defaultApp, stream: ingest.id)
                    let plan = IngestSession.Plan(vhost: name, ingest: ingest, engine: engine, outputURL: url)
                    plans[plan.key] = plan
                }
            }
        }
        return plans
    }
}
