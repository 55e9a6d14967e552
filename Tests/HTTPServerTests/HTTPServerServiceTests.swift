import Config
import Foundation
@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

/// Over real sockets on loopback, port 0.
@Suite(.timeLimit(.minutes(1))) struct HTTPServerServiceTests {
    @Test func liveFileServing() async throws {
        let root = try TemporaryRoot()
        let big = try root.write("rec/big.flv", patternBytes(count: 5 * 1024 * 1024 + 3, seed: 11))
        try root.write("live/a.m3u8", text: "#EXTM3U\n")
        try await makeTestApplication(root: root).test(.live) { client in
            // Several requests on one keep-alive connection: a HEAD and a 304 must not desynchronise it.
            let head = try await client.execute(uri: "/rec/big.flv", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == "\(big.count)")
            #expect(head.body.readableBytes == 0)

            let playlist = try await client.execute(uri: "/live/a.m3u8", method: .get)
            let eTag = try #require(playlist.headers[.eTag])
            let notModified = try await client.execute(uri: "/live/a.m3u8", method: .get, headers: [.ifNoneMatch: eTag])
            #expect(notModified.status == .notModified)
            #expect(notModified.body.readableBytes == 0)

            let whole = try await client.execute(uri: "/rec/big.flv", method: .get)
            #expect(whole.status == .ok)
            #expect(whole.body == ByteBuffer(bytes: big))

            let partial = try await client.execute(uri: "/rec/big.flv", method: .get, headers: [.range: "bytes=-70000"])
            #expect(partial.status == .partialContent)
            #expect(partial.body == ByteBuffer(bytes: big.suffix(70000)))

            let options = try await client.execute(uri: "/live/a.m3u8", method: .options)
            #expect(options.status == .noContent)
            #expect(options.headers[.accessControlAllowOrigin] == "*")

            let missing = try await client.execute(uri: "/live/b.m3u8", method: .get)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body) == "404 Not Found\n")
        }
    }

    @Test func serviceListensOnAnEphemeralPortAndStopsGracefully() async throws {
        let root = try TemporaryRoot()
        try root.write("live/a-1.ts", text: "segment")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = HTTPServerConfiguration()
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.dir = root.path
        let service = HTTPServerService(
            configuration: configuration, group: group, logger: Logger(label: "headwater.http.test")
        ) { router in
            router.get("/api/v1/versions") { _, _ in "{\"major\":0}" }
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [service], logger: Logger(label: "headwater.http.test")))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            let port = try await service.listeningPort
            #expect(port > 0)
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let before = Int(Date().timeIntervalSince1970)
                let segment = try await client.get("/live/a-1.ts")
                let after = Int(Date().timeIntervalSince1970)
                #expect(segment.status == .ok)
                #expect(segment.body.map { String(buffer: $0) } == "segment")
                let date = try #require(segment.headers[.date].flatMap(HTTPDate.parse))
                #expect((before...after).contains(date))
                let route = try await client.get("/api/v1/versions")
                #expect(route.body.map { String(buffer: $0) } == "{\"major\":0}")
            }
            // A connection that sent nothing yet is asked to quiesce and closed; the service then returns.
            let idle = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
            await serviceGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
            try await idle.closeFuture.get()
        }
        await #expect(throws: HTTPServerError.stopped) { try await service.listeningPort }
        try await group.shutdownGracefully()
    }

    @Test func bindFailureReachesThePortWaiters() async throws {
        let root = try TemporaryRoot()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = HTTPServerConfiguration()
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.dir = root.path
        let logger = Logger(label: "headwater.http.test")
        let first = HTTPServerService(configuration: configuration, group: group, logger: logger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [first], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            // A second server on the port the first one holds cannot bind.
            configuration.listen.port = try await first.listeningPort
            let second = HTTPServerService(configuration: configuration, group: group, logger: logger)
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { try await second.listeningPort }
            await serviceGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await group.shutdownGracefully()
    }
}
