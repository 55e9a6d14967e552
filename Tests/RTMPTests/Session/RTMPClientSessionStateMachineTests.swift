import Media
import NIOCore
import Testing

@testable import RTMP

/// Connects a client machine to a server machine through encoded messages, as a socket would.
struct Loopback {
    var client = RTMPClientSessionStateMachine()
    var server = RTMPServerSessionStateMachine()
    /// How the application answers publish/play requests.
    var acceptsRequests = true
    var clientEvents: [RTMPClientSessionStateMachine.Action] = []
    var serverRequests: [RTMPStreamRequest] = []
    var serverStops: [String] = []
    var serverClosed: RTMPSessionError?
    /// Every message the client sent, decoded.
    var clientSent: [Decoded] = []

    mutating func run(_ initial: [RTMPClientSessionStateMachine.Action]) throws {
        var toServer: [RTMPMessage] = []
        var toClient: [RTMPMessage] = []
        collect(initial, into: &toServer)
        var rounds = 0
        while !toServer.isEmpty || !toClient.isEmpty {
            rounds += 1
            try #require(rounds < 50, "the machines ping-pong forever")
            for message in toServer {
                clientSent.append(Decoded(message))
                // Control messages (chunk size, ack window, buffer length) are the pipeline's business.
                guard message.type == .amf0Command else { continue }
                let command = try RTMPCommand(message)
                try handle(server.received(command, messageStreamID: message.streamID), into: &toClient)
            }
            toServer = []
            for message in toClient {
                guard message.type == .amf0Command else { continue }
                collect(client.received(try RTMPCommand(message)), into: &toServer)
            }
            toClient = []
        }
    }

    private mutating func collect(_ actions: [RTMPClientSessionStateMachine.Action], into outbox: inout [RTMPMessage]) {
        for action in actions {
            if case .send(let messages) = action { outbox += messages } else { clientEvents.append(action) }
        }
    }

    private mutating func handle(
        _ actions: [RTMPServerSessionStateMachine.Action],
        into outbox: inout [RTMPMessage]
    ) throws {
        for action in actions {
            switch action {
            case .send(let messages): outbox += messages
            case .requestConnect: try handle(server.connectAccepted(), into: &outbox)
            case .requestPublish(let request, _):
                serverRequests.append(request)
                try handle(
                    acceptsRequests
                        ? server.publishAccepted() : server.publishRejected(.publishBadName, description: "busy"),
                    into: &outbox
                )
            case .requestPlay(let request, _, _):
                serverRequests.append(request)
                try handle(
                    acceptsRequests
                        ? server.playAccepted() : server.playRejected(.playStreamNotFound, description: "none"),
                    into: &outbox
                )
            case .stopPublishing: serverStops.append("publish")
            case .stopPlaying: serverStops.append("play")
            case .pause: break
            case .close(let reason): serverClosed = reason
            }
        }
    }
}

@Suite struct RTMPClientSessionStateMachineTests {
    @Test func publishesAgainstServer() throws {
        var loop = Loopback()
        let url = try RTMPURL("rtmp://127.0.0.1:1935/live/cam?token=1")
        try loop.run(loop.client.start(url: url, mode: .publish))
        #expect(loop.client.state == .publishing)
        #expect(loop.server.state == .publishing)
        #expect(loop.client.messageStreamID == 1)
        guard case .publishing(let streamID)? = loop.clientEvents.last else {
            Issue.record("no publishing event: \(loop.clientEvents)")
            return
        }
        #expect(streamID == 1)
        #expect(loop.serverRequests.map(\.streamKey) == ["127.0.0.1/live/cam"])
        #expect(loop.serverRequests.first?.parameter("token") == "1")
        // The FMLE sequence as ffmpeg sends it.
        #expect(
            loop.clientSent.compactMap(\.command?.name)
                == ["connect", "releaseStream", "FCPublish", "createStream", "publish"]
        )
        #expect(
            loop.clientSent.prefix(2) == [
                .control(.setChunkSize(60000)), .control(.windowAcknowledgementSize(2_500_000)),
            ]
        )

        // Stopping unpublishes on the server.
        loop.clientSent = []
        try loop.run(loop.client.stop())
        #expect(loop.client.state == .closed)
        #expect(loop.serverStops == ["publish"])
        #expect(loop.server.state == .connected)
        #expect(loop.clientSent.compactMap(\.command?.name) == ["FCUnpublish", "deleteStream"])
    }

    @Test func playsAgainstServer() throws {
        var loop = Loopback()
        try loop.run(loop.client.start(url: try RTMPURL("rtmp://[::1]:1940/app/sub/s"), mode: .play))
        #expect(loop.client.state == .playing)
        #expect(loop.server.state == .playing)
        #expect(loop.serverRequests.map(\.streamKey) == ["::1/app/sub/s"])
        #expect(loop.clientSent.compactMap(\.command?.name) == ["connect", "createStream", "play"])
        #expect(loop.clientSent.last == .control(.userControl(.setBufferLength(streamID: 1, milliseconds: 3000))))
        guard case .connect(let connect)? = loop.clientSent.compactMap(\.command).first else {
            Issue.record("no connect")
            return
        }
        #expect(connect.tcUrl == "rtmp://[::1]:1940/app/sub")
        #expect(connect.app == "app/sub")
        #expect(connect.flashVer == "LNX 9,0,124,2")

        // The upstream publisher leaves and comes back.
        var events: [RTMPClientSessionStateMachine.Action] = []
        for message in loop.server.unpublishNotify() + loop.server.publishNotify() {
            events += loop.client.received(try RTMPCommand(message))
        }
        #expect(events.count == 2)
        if case .upstreamUnpublished = events[0] {
        } else {
            Issue.record("expected upstreamUnpublished, got \(events[0])")
        }
        if case .upstreamPublished = events[1] {} else { Issue.record("expected upstreamPublished, got \(events[1])") }

        try loop.run(loop.client.stop())
        #expect(loop.serverStops == ["play"])
    }

    @Test func rejectedPublishFails() throws {
        var loop = Loopback()
        loop.acceptsRequests = false
        try loop.run(loop.client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .publish))
        #expect(loop.client.state == .failed)
        guard case .failed(let status)? = loop.clientEvents.last else {
            Issue.record("no failure: \(loop.clientEvents)")
            return
        }
        #expect(status.code == .publishBadName)
        #expect(loop.serverClosed == .publishRejected)
    }

    @Test func rejectedPlayFails() throws {
        var loop = Loopback()
        loop.acceptsRequests = false
        try loop.run(loop.client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .play))
        guard case .failed(let status)? = loop.clientEvents.last else {
            Issue.record("no failure: \(loop.clientEvents)")
            return
        }
        #expect(status.code == .playStreamNotFound)
    }

    @Test func urlWithoutStreamFails() throws {
        var client = RTMPClientSessionStateMachine()
        let actions = client.start(url: try RTMPURL("rtmp://h/live"), mode: .play)
        guard case .failed(let status)? = actions.first else {
            Issue.record("expected failure")
            return
        }
        #expect(status.code == .playStreamNotFound)
        #expect(client.state == .failed)
        #expect(client.received(.onBWDone).isEmpty)
    }

    @Test func connectErrorFails() throws {
        var client = RTMPClientSessionStateMachine()
        _ = client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .play)
        #expect(client.state == .connecting)
        // A reply to a call the client never made is ignored.
        #expect(client.received(.connectRejected(transactionID: 7, description: "x")).isEmpty)
        let actions = client.received(.connectRejected(transactionID: 1, description: "auth failed"))
        guard case .failed(let status)? = actions.first else {
            Issue.record("expected failure, got \(actions)")
            return
        }
        #expect(status.code == .connectRejected)
        #expect(status.description == "auth failed")
    }

    @Test func adobeArtifactErrorsAreIgnored() throws {
        var client = RTMPClientSessionStateMachine()
        _ = client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .publish)
        _ = client.received(.connectResult(transactionID: 1, objectEncoding: 0))
        #expect(client.state == .creatingStream)
        // releaseStream (2) and FCPublish (3) may fail on servers that do not know them.
        #expect(client.received(.error(transactionID: 2, values: [.null])).isEmpty)
        #expect(client.received(.error(transactionID: 3, values: [.null])).isEmpty)
        #expect(client.state == .creatingStream)
        // createStream (4) _result with a server-chosen id.
        let actions = client.received(.createStreamResult(transactionID: 4, streamID: 7))
        #expect(client.messageStreamID == 7)
        guard case .send(let messages)? = actions.first else {
            Issue.record("expected publish")
            return
        }
        #expect(
            messages.map(Decoded.init) == [
                .command(.publish(transactionID: 5, streamName: "s", type: .live), streamID: 7)
            ]
        )
    }

    @Test func statusHandling() throws {
        func started(_ mode: RTMPClientSessionStateMachine.Mode) throws -> RTMPClientSessionStateMachine {
            var client = RTMPClientSessionStateMachine()
            _ = client.start(url: try RTMPURL("rtmp://h/live/s"), mode: mode)
            _ = client.received(.connectResult(transactionID: 1, objectEncoding: 0))
            _ = client.received(.createStreamResult(transactionID: mode == .play ? 2 : 4, streamID: 1))
            #expect(client.state == .starting)
            return client
        }
        // BadName at level status still fails.
        var publisher = try started(.publish)
        let bad = publisher.received(.onStatus(RTMPStatus(code: .publishBadName, description: "taken")))
        guard case .failed? = bad.first else {
            Issue.record("expected failure, got \(bad)")
            return
        }
        // A Publish.Start while playing does not count.
        var player = try started(.play)
        #expect(player.received(.onStatus(.publishStart(streamName: "s"))).isEmpty)
        #expect(player.received(.onStatus(.playReset(streamName: "s"))).isEmpty)
        #expect(player.state == .starting)
        _ = player.received(.onStatus(.playStart(streamName: "s")))
        #expect(player.state == .playing)
        let stopped = player.received(.onStatus(.playStop(streamName: "s")))
        guard case .stopped(let status)? = stopped.first else {
            Issue.record("expected stopped, got \(stopped)")
            return
        }
        #expect(status.code == .playStop)
        #expect(player.state == .closed)
        #expect(player.stop().isEmpty)
    }

    @Test func startTwiceIsIgnored() throws {
        var client = RTMPClientSessionStateMachine(configuration: .init(chunkSize: 4096, publishType: .record))
        let first = client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .publish)
        guard case .send(let messages)? = first.first else {
            Issue.record("expected send")
            return
        }
        #expect(messages.map(Decoded.init).first == .control(.setChunkSize(4096)))
        #expect(client.start(url: try RTMPURL("rtmp://h/live/s"), mode: .play).isEmpty)
        #expect(client.mode == .publish)
    }
}
