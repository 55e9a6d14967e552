import Live
import Media
import NIOCore
import NIOEmbedded
import RTMP
import Sessions
import Testing

@testable import Ingest

/// A policy whose answers the test gives by hand, recording what it was asked and told.
final class ManualPolicy: SessionPolicy, @unchecked Sendable {
    var requests: [(SessionAction, ClientSessionSnapshot, EventLoopPromise<SessionDecision>)] = []
    var ends: [(SessionEnd, ClientSessionSnapshot)] = []
    /// Answered at once for these actions.
    var automatic: [SessionAction: SessionDecision] = [:]

    func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>
    {
        if let decision = automatic[action] { return eventLoop.makeSucceededFuture(decision) }
        let promise = eventLoop.makePromise(of: SessionDecision.self)
        requests.append((action, client, promise))
        return promise.futureResult
    }

    func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {
        ends.append((end, client))
    }
}

@Suite("RTMP connect, publish and play wait for the session policy")
struct RTMPPolicyGatingTests {
    /// `false` when the test stream has a publisher (a waiting player keeps an idle stream entry).
    static func hasNoPublisher(_ harness: IngestHarness) throws -> Bool {
        guard let stream = harness.registry.stream(for: testKey) else { return true }
        let statistics = stream.statisticsSnapshot()
        harness.loop.run()
        return try !statistics.wait().isPublishing
    }

    @Test("a connect waits for the policy; pipelined commands are answered after it allows, in order")
    func connectGating() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.publish] = .allow
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        let player = try harness.client()
        try player.play("test")
        _ = try player.receiveMessages()
        let replies = try client.publish("test")
        #expect(replies.isEmpty, "nothing may be answered before the connect is allowed")
        // Media pipelined behind the queued publish waits with it.
        var media = MediaGenerator()
        let headers = media.headers() + media.tick() + media.tick()
        try client.send(headers)
        let (action, snapshot, promise) = try #require(policy.requests.first)
        #expect(action == .connect)
        #expect(snapshot.info.app == "live")
        #expect(snapshot.info.tcUrl == FakeRTMPClient.defaultTcUrl)
        promise.succeed(.allow)
        harness.loop.run()
        let answered = try client.receiveMessages()
        #expect(answered.statusCodes == [.publishStart])
        #expect(try !Self.hasNoPublisher(harness))
        let received = try player.receiveMessages().compactMap(TestMedia.id(of:))
        #expect(!received.isEmpty)
        #expect(received == headers.compactMap(TestMedia.id(of:)))
        client.disconnect()
        harness.loop.run()
        #expect(policy.ends.map(\.0) == [.unpublish, .close])
    }

    @Test("a refused connect gets NetConnection.Connect.Rejected and is closed")
    func connectRefused() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.connect] = .deny(reason: "on_connect says no")
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        let replies = try client.publish("test")
        let error = try #require(replies.compactMap { try? RTMPCommand($0) }.first)
        #expect(error == .connectRejected(transactionID: 1, description: "on_connect says no"))
        #expect(!client.isActive)
        #expect(harness.registry.stream(for: testKey) == nil)
        #expect(policy.ends.map(\.0) == [.close])
    }

    @Test("media pipelined behind a publish waits for the policy and is dropped when it denies")
    func publishRefusedBeforeMedia() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.connect] = .allow
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        let player = try harness.client()
        try player.play("test")
        var replies = try client.publish("test")
        let media = MediaGenerator()
        try client.send(media.headers())
        #expect(!replies.statusCodes.contains(.publishStart))
        let (action, snapshot, promise) = try #require(policy.requests.first)
        #expect(action == .publish)
        #expect(snapshot.info.kind == .rtmpPublisher)
        #expect(snapshot.info.stream == "test")
        #expect(try Self.hasNoPublisher(harness), "nothing reaches the hub before the policy allows")
        promise.succeed(.deny(reason: "on_publish says no"))
        harness.loop.run()
        replies = try client.receiveMessages()
        #expect(replies.statusCodes == [.publishBadName])
        #expect(replies.statuses.first?.description == "on_publish says no")
        #expect(!client.isActive)
        #expect(try Self.hasNoPublisher(harness))
        #expect(try player.receiveMessages().compactMap(TestMedia.id(of:)).isEmpty)
        // A refused publish never started: no on_unpublish, only on_close.
        #expect(policy.ends.map(\.0) == [.close])
    }

    @Test("a play waits for the policy; a denial is NetStream.Play.Failed and closes")
    func playRefused() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.connect] = .allow
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        var replies = try client.play("test")
        #expect(!replies.statusCodes.contains(.playStart))
        let (action, _, promise) = try #require(policy.requests.first)
        #expect(action == .play)
        promise.succeed(.deny(reason: "security: play denied"))
        harness.loop.run()
        replies = try client.receiveMessages()
        #expect(replies.statusCodes == [.playFailed])
        #expect(!client.isActive)
    }

    @Test("an answer that arrives after the client withdrew its publish is ignored")
    func lateAnswerIgnored() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.connect] = .allow
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        try client.publish("test")
        let (_, _, promise) = try #require(policy.requests.first)
        try client.send(RTMPCommand.deleteStream(transactionID: 8, streamID: 1).message())
        promise.succeed(.allow)
        harness.loop.run()
        #expect(try client.receiveMessages().statusCodes.isEmpty)
        #expect(harness.registry.stream(for: testKey) == nil)
        #expect(client.isActive)
    }

    @Test("media held behind a withdrawn publish is not replayed into the next publish")
    func withdrawnPublishDropsItsMedia() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let policy = ManualPolicy()
        policy.automatic[.connect] = .allow
        let client = try FakeRTMPClient(loop: harness.loop, registry: harness.registry, policy: policy)
        defer { client.disconnect() }
        let player = try harness.client()
        try player.play("other")
        try client.publish("test")
        var media = MediaGenerator()
        try client.send(media.headers() + media.tick())
        try client.send(RTMPCommand.deleteStream(transactionID: 8, streamID: 1).message())
        try client.send(
            RTMPCommand.publish(transactionID: 9, streamName: "other", type: .live).message(streamID: 1))
        #expect(policy.requests.count == 2)
        for (_, _, promise) in policy.requests { promise.succeed(.allow) }
        harness.loop.run()
        #expect(try client.receiveMessages().statusCodes.contains(.publishStart))
        #expect(try player.receiveMessages().compactMap(TestMedia.id(of:)).isEmpty, "the first publish's media leaked")
    }
}
