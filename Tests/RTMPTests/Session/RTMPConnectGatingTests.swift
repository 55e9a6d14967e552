import Media
import NIOCore
import Testing

@testable import RTMP

/// `connect` waits for the application's answer; commands pipelined behind it are held and answered in order.
@Suite struct RTMPConnectGatingTests {
    static let tcUrl = "rtmp://127.0.0.1:1935/live"

    @Test func connectIsHandedToTheApplication() throws {
        var machine = RTMPServerSessionStateMachine()
        #expect(try machine.feedGated(RealClients.ffmpegPublishConnect()) == [.requestConnect(tcUrl: Self.tcUrl)])
        #expect(machine.state == .connectPending)
        #expect(machine.connectCommand == nil)
        #expect(machine.pendingOrAcceptedConnect?.tcUrl == Self.tcUrl)
        #expect(machine.connectAccepted().map(ServerStep.init) == [expectedConnectReplies()])
        #expect(machine.state == .connected)
        #expect(machine.connectCommand?.tcUrl == Self.tcUrl)
        // A second answer does nothing.
        #expect(machine.connectAccepted().isEmpty)
        #expect(machine.connectRejected(description: "late").isEmpty)
    }

    @Test func pipelinedCommandsAreAnsweredInOrderAfterAcceptance() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feedGated(RealClients.ffmpegPublishConnect())
        #expect(try machine.feedGated(.releaseStream(transactionID: 2, streamName: "s")).isEmpty)
        #expect(try machine.feedGated(.fcPublish(transactionID: 3, streamName: "s")).isEmpty)
        #expect(try machine.feedGated(.createStream(transactionID: 4)).isEmpty)
        #expect(try machine.feedGated(.publish(transactionID: 5, streamName: "s", type: .live), streamID: 1).isEmpty)
        #expect(machine.state == .connectPending)
        let steps = machine.connectAccepted().map(ServerStep.init)
        #expect(
            steps == [
                expectedConnectReplies(),
                .send([.command(.undefinedResult(transactionID: 2), streamID: 0)]),
                .send([.command(.undefinedResult(transactionID: 3), streamID: 0)]),
                .send([.command(.createStreamResult(transactionID: 4, streamID: 1), streamID: 0)]),
                .requestPublish(streamKey: "127.0.0.1/live/s", messageStreamID: 1),
            ])
        #expect(machine.state == .publishPending)
        // FCPublish was remembered: onFCPublish precedes Publish.Start.
        let accepted = machine.publishAccepted().map(ServerStep.init)
        guard case .send(let messages)? = accepted.first else {
            Issue.record("no publish replies: \(accepted)")
            return
        }
        #expect(messages.compactMap(\.command).map(\.name) == ["onFCPublish", "onStatus"])
    }

    @Test func rejectionSendsErrorAndCloses() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feedGated(RealClients.ffmpegPlayConnect())
        _ = try machine.feedGated(.createStream(transactionID: 2))
        let steps = machine.connectRejected(description: "on_connect denied: HTTP 403").map(ServerStep.init)
        #expect(
            steps == [
                .send([
                    .command(
                        .connectRejected(transactionID: 1, description: "on_connect denied: HTTP 403"), streamID: 0)
                ]),
                .close(.connectRejected),
            ])
        #expect(machine.state == .closed)
        // Queued commands are never answered.
        #expect(machine.connectAccepted().isEmpty)
    }

    @Test func queueIsBounded() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feedGated(RealClients.ffmpegPublishConnect())
        for index in 0..<RTMPServerSessionStateMachine.maximumQueuedCommands {
            #expect(try machine.feedGated(.checkBandwidth(transactionID: Double(index + 2))).isEmpty)
        }
        #expect(try machine.feedGated(.checkBandwidth(transactionID: 99)) == [.close(.tooManyQueuedCommands)])
        #expect(machine.state == .closed)
    }

    @Test func secondConnectWhilePendingCloses() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feedGated(RealClients.ffmpegPublishConnect())
        #expect(try machine.feedGated(RealClients.ffmpegPublishConnect()) == [.close(.duplicateConnect)])
    }

    @Test func connectionClosedWhilePendingStopsNothing() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feedGated(RealClients.ffmpegPublishConnect())
        #expect(machine.connectionClosed().isEmpty)
        #expect(machine.connectAccepted().isEmpty)
    }
}
