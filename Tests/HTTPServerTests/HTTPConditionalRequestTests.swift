@testable import HTTPServer
import Testing

@Suite struct HTTPConditionalRequestTests {
    private let tag = HTTPEntityTag(size: 1000, modification: HTTPFileTimestamp(seconds: 784_111_777, nanoseconds: 5))
    private let lastModified = 784_111_777
    private let lastModifiedText = "Sun, 06 Nov 1994 08:49:37 GMT"

    private func answer(_ request: HTTPConditionalRequest) -> HTTPConditionalRequest.Answer {
        request.answer(size: 1000, entityTag: tag, lastModified: lastModified)
    }

    @Test func entityTagIsStrongAndChangesWithSizeAndTime() {
        #expect(tag.fieldValue == "\"2ebc98a1.5-3e8\"")
        #expect(!tag.isWeak)
        let later = HTTPEntityTag(size: 1000, modification: HTTPFileTimestamp(seconds: 784_111_777, nanoseconds: 6))
        let longer = HTTPEntityTag(size: 1001, modification: HTTPFileTimestamp(seconds: 784_111_777, nanoseconds: 5))
        #expect(later != tag)
        #expect(longer != tag)
    }

    @Test func parsesEntityTagLists() {
        #expect(HTTPEntityTag.parseCondition(["*"]) == .any)
        #expect(HTTPEntityTag.parseCondition([" * "]) == .any)
        #expect(
            HTTPEntityTag.parseCondition(["\"a\", W/\"b\"", "\"c,d\""])
                == .tags([
                    HTTPEntityTag(opaqueTag: "a", isWeak: false),
                    HTTPEntityTag(opaqueTag: "b", isWeak: true),
                    HTTPEntityTag(opaqueTag: "c,d", isWeak: false),
                ]))
        #expect(HTTPEntityTag.parseCondition([]) == nil)
        #expect(HTTPEntityTag.parseCondition(["a"]) == nil)
        #expect(HTTPEntityTag.parseCondition(["\"a"]) == nil)
        #expect(HTTPEntityTag.parseCondition(["\"a\" \"b\""]) == nil)
    }

    @Test func ifNoneMatchUsesWeakComparison() {
        #expect(answer(HTTPConditionalRequest(ifNoneMatch: [tag.fieldValue])) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifNoneMatch: ["W/" + tag.fieldValue])) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifNoneMatch: ["\"other\", " + tag.fieldValue])) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifNoneMatch: ["*"])) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifNoneMatch: ["\"other\""])) == .whole)
    }

    @Test func ifModifiedSinceOnlyWithoutIfNoneMatch() {
        #expect(answer(HTTPConditionalRequest(ifModifiedSince: lastModifiedText)) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifModifiedSince: "Mon, 07 Nov 1994 00:00:00 GMT")) == .notModified)
        #expect(answer(HTTPConditionalRequest(ifModifiedSince: "Sat, 05 Nov 1994 00:00:00 GMT")) == .whole)
        #expect(answer(HTTPConditionalRequest(ifModifiedSince: "garbage")) == .whole)
        // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        let both = HTTPConditionalRequest(ifNoneMatch: ["\"other\""], ifModifiedSince: lastModifiedText)
        #expect(answer(both) == .whole)
        // A malformed If-None-Match counts as absent.
        let malformed = HTTPConditionalRequest(ifNoneMatch: ["nonsense"], ifModifiedSince: lastModifiedText)
        #expect(answer(malformed) == .notModified)
    }

    @Test func rangeOnlyForGET() {
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9")) == .partial(0...9))
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", isHead: true)) == .whole)
        #expect(answer(HTTPConditionalRequest(range: "bytes=2000-")) == .unsatisfiable)
    }

    @Test func ifRangeNeedsAStrongMatchOrTheExactDate() {
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: tag.fieldValue)) == .partial(0...9))
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: lastModifiedText)) == .partial(0...9))
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: "W/" + tag.fieldValue)) == .whole)
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: "\"old\"")) == .whole)
        #expect(
            answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: "Sat, 05 Nov 1994 00:00:00 GMT")) == .whole)
        #expect(answer(HTTPConditionalRequest(range: "bytes=0-9", ifRange: "junk")) == .whole)
    }

    @Test func notModifiedWinsOverRange() {
        let request = HTTPConditionalRequest(ifNoneMatch: [tag.fieldValue], range: "bytes=0-9")
        #expect(answer(request) == .notModified)
    }

    @Test func cachePolicyByExtension() {
        #expect(HTTPCachePolicy.cacheControl(forFile: "live/a.m3u8", playlistMaxAge: 3) == "public, max-age=3")
        #expect(HTTPCachePolicy.cacheControl(forFile: "A.M3U8", playlistMaxAge: 1) == "public, max-age=1")
        #expect(HTTPCachePolicy.cacheControl(forFile: "a-1.ts", playlistMaxAge: 1) == HTTPCachePolicy.immutable)
        #expect(HTTPCachePolicy.cacheControl(forFile: "seg.m4s", playlistMaxAge: 1) == HTTPCachePolicy.immutable)
        #expect(HTTPCachePolicy.cacheControl(forFile: "rec.flv", playlistMaxAge: 1) == "no-cache")
        #expect(HTTPCachePolicy.cacheControl(forFile: "index.html", playlistMaxAge: 1) == "no-cache")
        #expect(HTTPCachePolicy.cacheControl(forFile: "ts", playlistMaxAge: 1) == "no-cache")
        #expect(HTTPCachePolicy.cacheControl(forFile: "live.ts/x", playlistMaxAge: 1) == "no-cache")
    }
}
