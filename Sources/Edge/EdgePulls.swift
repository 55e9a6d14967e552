import Config
import Live
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Sessions

/// The edge's pulls, one per stream, and the players holding each.
///
/// The player count lives here, under one lock, so that "the last player left" and "a player came" are
/// decided in one place: a player arriving during the idle delay keeps the pull; one arriving after the pull
/// was taken out of the table starts a fresh pull while the old one closes, so no player is ever refused.
final class EdgePulls: Sendable {
    private struct Entry {
        let pull: EdgePull
        var players: Int
    }

    private struct State {
        var entries: [StreamKey: Entry] = [:]
        /// The origin that worked last, by origin list: a new pull starts there, not at a dead first origin.
        var workingOrigin: [[UpstreamAddress]: Int] = [:]
        var closed = false
    }

    private let registry: StreamRegistry
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(registry: StreamRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    func retain(
        _ key: StreamKey, client: ClientInfo, cluster: ClusterConfiguration, configuration: LiveStreamConfiguration,
        on eventLoop: any EventLoop
    ) -> (any UpstreamLease)? {
        let (pull, isNew, returned) = state.withLockedValue { state -> (EdgePull?, Bool, Bool) in
            guard !state.closed else { return (nil, false, false) }
            if var entry = state.entries[key] {
                entry.players += 1
                state.entries[key] = entry
                return (entry.pull, false, entry.players == 1)
            }
            let origins = cluster.origins
            let pull = EdgePull(
                key: key, param: client.param, cluster: cluster, configuration: configuration,
                firstOrigin: state.workingOrigin[origins] ?? 0, eventLoop: eventLoop, registry: registry,
                logger: logger
            ) { [weak self] index in
                self?.state.withLockedValue { $0.workingOrigin[origins] = index }
            }
            state.entries[key] = Entry(pull: pull, players: 1)
            return (pull, true, false)
        }
        guard let pull else { return nil }
        if isNew {
            pull.eventLoop.execute { pull.start() }
        } else if returned {
            pull.eventLoop.execute { pull.playersReturned() }
        }
        return PullLease(pulls: self, pull: pull)
    }

    fileprivate func release(_ pull: EdgePull) {
        let idle = state.withLockedValue { state -> Bool in
            guard var entry = state.entries[pull.key], entry.pull === pull else { return false }
            entry.players -= 1
            state.entries[pull.key] = entry
            return entry.players == 0
        }
        guard idle else { return }
        pull.eventLoop.execute {
            pull.playersLeft { [weak self] in
                // Decided under the lock: a player that arrived meanwhile keeps the pull.
                self?.state.withLockedValue { state in
                    guard let entry = state.entries[pull.key], entry.pull === pull, entry.players == 0 else {
                        return false
                    }
                    state.entries[pull.key] = nil
                    return true
                } ?? true
            }
        }
    }

    func statuses() -> [UpstreamStatus] {
        let entries = state.withLockedValue { Array($0.entries.values) }
        return entries.map { entry in
            var status = entry.pull.status
            status.players = entry.players
            return status
        }
    }

    func shutdown() {
        let pulls = state.withLockedValue { state -> [EdgePull] in
            state.closed = true
            defer { state.entries.removeAll() }
            return state.entries.values.map(\.pull)
        }
        for pull in pulls {
            pull.eventLoop.execute { pull.close(reason: "server stopping") }
        }
    }
}

/// A player's hold on a pull.
private final class PullLease: UpstreamLease {
    private let pulls: EdgePulls
    private let pull: EdgePull
    private let released = NIOLockedValueBox(false)

    init(pulls: EdgePulls, pull: EdgePull) {
        self.pulls = pulls
        self.pull = pull
    }

    func release() {
        let first = released.withLockedValue { value in
            defer { value = true }
            return !value
        }
        if first { pulls.release(pull) }
    }

    deinit {
        release()
    }
}
