import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Sessions
import Testing

@testable import HTTPServer

@Suite("HTTP request rate limit (429)")
struct HTTPRequestLimitHandlerTests {
    private func makeChannel(rate: Int, handler recorder: RecordingLogHandler) throws -> EmbeddedChannel {
        let limiter = HTTPRequestLimitHandler(
            rate: RequestRateLimiter(ratePerSecond: rate), maxHeaderSize: 1024,
            reporter: LimitReporter(logger: .recording(into: recorder)), crossdomain: true)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(limiter)
        return channel
    }

    private func head(_ uri: String, _ method: HTTPMethod = .GET) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: method, uri: uri))
    }

    @Test func requestsWithinTheBurstPassAndTheNextGets429AndAClose() throws {
        let recorder = RecordingLogHandler()
        let channel = try makeChannel(rate: 1, handler: recorder)
        // Rate 1/s: a burst of two.
        for index in 0..<2 {
            try channel.writeInbound(head("/a\(index)"))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
            _ = try channel.readOutbound(as: HTTPServerResponsePart.self)
            _ = try channel.readOutbound(as: HTTPServerResponsePart.self)
        }
        try channel.writeInbound(head("/refused"))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        // Nothing of the refused request goes on to the application.
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        guard case .head(let response) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response head")
            return
        }
        #expect(response.status == .tooManyRequests)
        #expect(response.headers["Connection"] == ["close"])
        #expect(response.headers["Retry-After"] == ["1"])
        guard case .body = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no body")
            return
        }
        guard case .end = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no end")
            return
        }
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
        #expect(recorder.messages.filter { $0.message.contains("limit reached") }.count == 1)
    }

    @Test func aRefusalWaitsForTheResponsesBeforeIt() throws {
        let recorder = RecordingLogHandler()
        let channel = try makeChannel(rate: 1, handler: recorder)
        try channel.writeInbound(head("/1"))
        try channel.writeInbound(head("/2"))
        try channel.writeInbound(head("/3"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        }
        var statuses: [HTTPResponseStatus] = []
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
            if case .head(let response) = part { statuses.append(response.status) }
        }
        #expect(statuses == [.ok, .ok, .tooManyRequests])
    }

    @Test func noRateMeansNoBound() throws {
        let channel = try makeChannel(rate: 0, handler: RecordingLogHandler())
        for index in 0..<500 {
            try channel.writeInbound(head("/\(index)"))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        }
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
    }
}
