import Config
import NIOCore
import RTMP

/// One token check: a `.connectOnly` RTMP connection to one origin that ends as soon as the origin
/// answers `connect`, or when `timeout` passes. Confined to one event loop; it keeps itself alive through
/// its timeout task until it has an outcome.
final class TokenCheck: RTMPUpstreamDelegate {
    enum Outcome: Sendable, Hashable {
        /// `_result`: the origin would take this client.
        case accepted
        /// `_error`, or an error status: the origin refused the client.
        case refused(String)
        /// No connection, a closed connection or no answer in time: ask the next origin.
        case unreachable(String)
    }

    private let promise: EventLoopPromise<Outcome>
    private var handler: RTMPUpstreamHandler?
    private var channel: (any Channel)?
    private var timeoutTask: Scheduled<Void>?
    private var finished = false

    private init(promise: EventLoopPromise<Outcome>) {
        self.promise = promise
    }

    /// Connects to `server` and sends `connect`; the future completes on `eventLoop`.
    static func run(
        url: RTMPURL, server: UpstreamAddress, connect: RTMPConnectCommand, timeout: TimeAmount,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<Outcome> {
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit {
                run(url: url, server: server, connect: connect, timeout: timeout, on: eventLoop)
            }
        }
        let check = TokenCheck(promise: eventLoop.makePromise())
        let handler = RTMPUpstreamHandler(url: url, mode: .connectOnly, connect: connect, delegate: check)
        check.handler = handler
        let bound = NIOLoopBound(check, eventLoop: eventLoop)
        check.timeoutTask = eventLoop.scheduleTask(in: timeout) {
            bound.value.finish(.unreachable("no answer within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        RTMPUpstreamConnector.connect(to: server, on: eventLoop, timeout: timeout, handler: handler)
            .whenComplete { result in
                let check = bound.value
                switch result {
                case .success(let channel):
                    check.channel = channel
                    if check.finished { channel.close(promise: nil) }
                case .failure(let error):
                    check.finish(.unreachable("\(error)"))
                }
            }
        return check.promise.futureResult
    }

    private func finish(_ outcome: Outcome) {
        guard !finished else { return }
        finished = true
        timeoutTask?.cancel()
        timeoutTask = nil
        handler?.close()
        channel?.close(promise: nil)
        handler = nil
        promise.succeed(outcome)
    }

    // MARK: RTMPUpstreamDelegate

    func upstreamDidStart(_ handler: RTMPUpstreamHandler, messageStreamID: UInt32) {
        finish(.accepted)
    }

    func upstream(_ handler: RTMPUpstreamHandler, didReceive message: RTMPMessage) {}

    func upstreamDidFinishReading(_ handler: RTMPUpstreamHandler) {}

    func upstream(_ handler: RTMPUpstreamHandler, publisherPresent: Bool) {}

    func upstreamDidEnd(_ handler: RTMPUpstreamHandler, reason: RTMPUpstreamEnd) {
        switch reason {
        case .refused, .stopped: finish(.refused("\(reason)"))
        case .closed(let why): finish(.unreachable(why))
        }
    }
}

@available(*, unavailable)
extension TokenCheck: Sendable {}
