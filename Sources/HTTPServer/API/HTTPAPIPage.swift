/// `?start=&count=` of the list endpoints (SRS: start 0, count 10).
struct HTTPAPIPage: Sendable, Hashable {
    /// Bounds a page so a huge `count` cannot mean a huge answer by itself.
    static let maximumCount = 10_000

    var start = 0
    var count = HTTPAPI.defaultCount

    /// Parses the query values.
    /// - Throws: `HTTPAPIError.invalidPagination` for a value that is not a plain integer in range.
    init(start: String?, count: String?) throws(HTTPAPIError) {
        if let start {
            guard let value = Int(start), value >= 0 else { throw .invalidPagination }
            self.start = value
        }
        if let count {
            guard let value = Int(count), value >= 1 else { throw .invalidPagination }
            self.count = min(value, Self.maximumCount)
        }
    }

    init() {}

    func slice<Element>(of all: [Element]) -> ArraySlice<Element> {
        guard start < all.count else { return [] }
        return all[start..<min(all.count, start + count)]
    }
}
