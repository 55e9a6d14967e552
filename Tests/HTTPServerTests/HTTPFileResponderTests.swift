@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct HTTPFileResponderTests {
    @Test func getServesTheWholeFileWithItsHeaders() async throws {
        let root = try TemporaryRoot()
        let bytes = try root.write("live/a-1.ts", patternBytes(count: 3000))
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/live/a-1.ts", method: .get)
            #expect(response.status == .ok)
            #expect(Array(buffer: response.body) == bytes)
            #expect(response.headers[.contentLength] == "3000")
            #expect(response.headers[.contentType] == "video/mp2t")
            #expect(response.headers[.acceptRanges] == "bytes")
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let eTag = try #require(response.headers[.eTag])
            #expect(eTag.hasPrefix("\"") && eTag.hasSuffix("-bb8\""))
            let lastModified = try #require(response.headers[.lastModified])
            #expect(HTTPDate.parse(lastModified) != nil)
        }
    }

    @Test func headHasTheHeadersAndNoBody() async throws {
        let root = try TemporaryRoot()
        try root.write("rec/a.flv", patternBytes(count: 1234))
        try await makeTestApplication(root: root).test(.router) { client in
            let get = try await client.execute(uri: "/rec/a.flv", method: .get)
            let head = try await client.execute(uri: "/rec/a.flv", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == "1234")
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(head.headers[.eTag] == get.headers[.eTag])
            #expect(head.headers[.lastModified] == get.headers[.lastModified])
            #expect(head.headers[.cacheControl] == get.headers[.cacheControl])
            #expect(head.headers[.acceptRanges] == "bytes")
            // HEAD ignores Range: it is defined for GET only.
            let ranged = try await client.execute(uri: "/rec/a.flv", method: .head, headers: [.range: "bytes=0-9"])
            #expect(ranged.status == .ok)
            #expect(ranged.headers[.contentLength] == "1234")
        }
    }

    @Test(arguments: [
        ("a.m3u8", "application/vnd.apple.mpegurl", "public, max-age=2"),
        ("a-7.ts", "video/mp2t", "public, max-age=31536000, immutable"),
        ("seg.m4s", "video/iso.segment", "public, max-age=31536000, immutable"),
        ("rec.flv", "video/x-flv", "no-cache"),
        ("rec.mp4", "video/mp4", "no-cache"),
        ("notes", "application/octet-stream", "no-cache"),
    ])
    func contentTypeAndCachePolicy(name: String, contentType: String, cacheControl: String) async throws {
        let root = try TemporaryRoot()
        try root.write("live/" + name, text: "#EXTM3U\n")
        try await makeTestApplication(root: root, playlistMaxAge: 2).test(.router) { client in
            let response = try await client.execute(uri: "/live/" + name, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == contentType)
            #expect(response.headers[.cacheControl] == cacheControl)
        }
    }

    @Test func rangesGetExactBytes() async throws {
        let root = try TemporaryRoot()
        let bytes = try root.write("a.ts", patternBytes(count: 1000))
        try await makeTestApplication(root: root).test(.router) { client in
            let cases: [(String, ClosedRange<Int>)] = [
                ("bytes=10-19", 10...19),
                ("bytes=-100", 900...999),
                ("bytes=990-", 990...999),
                ("bytes=995-5000", 995...999),
                ("bytes=0-0", 0...0),
            ]
            for (header, range) in cases {
                let response = try await client.execute(uri: "/a.ts", method: .get, headers: [.range: header])
                #expect(response.status == .partialContent, "\(header)")
                #expect(Array(buffer: response.body) == Array(bytes[range]), "\(header)")
                #expect(response.headers[.contentLength] == "\(range.count)")
                #expect(response.headers[.contentRange] == "bytes \(range.lowerBound)-\(range.upperBound)/1000")
                #expect(response.headers[.contentType] == "video/mp2t")
                #expect(response.headers[.eTag] != nil)
            }
        }
    }

    @Test func unsatisfiableRangeIs416AndOthersAreIgnored() async throws {
        let root = try TemporaryRoot()
        let bytes = try root.write("a.ts", patternBytes(count: 1000))
        try await makeTestApplication(root: root).test(.router) { client in
            let unsatisfiable = try await client.execute(uri: "/a.ts", method: .get, headers: [.range: "bytes=1000-"])
            #expect(unsatisfiable.status == .rangeNotSatisfiable)
            #expect(unsatisfiable.headers[.contentRange] == "bytes */1000")
            #expect(unsatisfiable.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(String(buffer: unsatisfiable.body) == "416 Range Not Satisfiable\n")
            for header in ["bytes=0-1,5-9", "bytes=9-1", "lines=1-2", "bytes=x"] {
                let response = try await client.execute(uri: "/a.ts", method: .get, headers: [.range: header])
                #expect(response.status == .ok, "\(header)")
                #expect(Array(buffer: response.body) == bytes, "\(header)")
                #expect(response.headers[.contentRange] == nil)
            }
        }
    }

    @Test func validatorsAnswer304() async throws {
        let root = try TemporaryRoot()
        let bytes = try root.write("live/a.m3u8", text: "#EXTM3U\n#EXT-X-VERSION:3\n")
        try await makeTestApplication(root: root).test(.router) { client in
            let first = try await client.execute(uri: "/live/a.m3u8", method: .get)
            let eTag = try #require(first.headers[.eTag])
            let lastModified = try #require(first.headers[.lastModified])

            let matched = try await client.execute(uri: "/live/a.m3u8", method: .get, headers: [.ifNoneMatch: eTag])
            #expect(matched.status == .notModified)
            #expect(matched.body.readableBytes == 0)
            #expect(matched.headers[.eTag] == eTag)
            #expect(matched.headers[.cacheControl] == "public, max-age=1")

            let weak = try await client.execute(
                uri: "/live/a.m3u8", method: .head, headers: [.ifNoneMatch: "W/" + eTag])
            #expect(weak.status == .notModified)

            let other = try await client.execute(uri: "/live/a.m3u8", method: .get, headers: [.ifNoneMatch: "\"x\""])
            #expect(other.status == .ok)
            #expect(Array(buffer: other.body) == bytes)

            let since = try await client.execute(
                uri: "/live/a.m3u8", method: .get, headers: [.ifModifiedSince: lastModified])
            #expect(since.status == .notModified)

            let old = try await client.execute(
                uri: "/live/a.m3u8", method: .get, headers: [.ifModifiedSince: "Thu, 01 Jan 1970 00:00:00 GMT"])
            #expect(old.status == .ok)

            // If-Range with a stale tag: the whole file, not the range.
            let stale = try await client.execute(
                uri: "/live/a.m3u8", method: .get, headers: [.range: "bytes=0-3", .ifRange: "\"stale\""])
            #expect(stale.status == .ok)
            #expect(Array(buffer: stale.body) == bytes)
            let fresh = try await client.execute(
                uri: "/live/a.m3u8", method: .get, headers: [.range: "bytes=0-3", .ifRange: eTag])
            #expect(fresh.status == .partialContent)
            #expect(String(buffer: fresh.body) == "#EXT")
        }
    }

    @Test func emptyFile() async throws {
        let root = try TemporaryRoot()
        try root.write("empty.ts", [])
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/empty.ts", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentLength] == "0")
            #expect(response.body.readableBytes == 0)
            let ranged = try await client.execute(uri: "/empty.ts", method: .get, headers: [.range: "bytes=0-"])
            #expect(ranged.status == .rangeNotSatisfiable)
            #expect(ranged.headers[.contentRange] == "bytes */0")
        }
    }

    @Test func largeFileStreamsIntact() async throws {
        let root = try TemporaryRoot()
        let size = 5 * 1024 * 1024 + 17
        let bytes = try root.write("rec/big.flv", patternBytes(count: size, seed: 7))
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/rec/big.flv", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentLength] == "\(size)")
            #expect(response.body.readableBytes == size)
            #expect(response.body == ByteBuffer(bytes: bytes))
            // A range across several read chunks reads only that range.
            let range = (128 * 1024 - 5)...(3 * 128 * 1024 + 9)
            let partial = try await client.execute(
                uri: "/rec/big.flv", method: .get, headers: [.range: "bytes=\(range.lowerBound)-\(range.upperBound)"])
            #expect(partial.status == .partialContent)
            #expect(partial.body == ByteBuffer(bytes: bytes[range]))
        }
    }

    @Test func smallReadChunksStillDeliverEveryByte() async throws {
        let root = try TemporaryRoot()
        let bytes = try root.write("a.ts", patternBytes(count: 10_001, seed: 3))
        try await makeTestApplication(root: root, readChunkSize: 1000).test(.router) { client in
            let response = try await client.execute(uri: "/a.ts", method: .get)
            #expect(response.body == ByteBuffer(bytes: bytes))
            let partial = try await client.execute(uri: "/a.ts", method: .get, headers: [.range: "bytes=999-3001"])
            #expect(partial.body == ByteBuffer(bytes: bytes[999...3001]))
        }
    }
}
