/// `?start=&count=` of the list endpoints (SRS: start 0, count 10).
///
/// Pure (no Hummingbird) so that the fuzzer in `Fuzz/` can compile it on its own.
struct HTTPAPIPage: Sendable, Hashable {
    /// Bounds a page so a huge `count` cannot mean a huge answer by itself.
    static let maximumCount = 10_000
    /// SRS's default page size.
    static let defaultCount = 10

    var start = 0
    var count = Self.defaultCount

    /// Parses the query values.
    /// - Returns: `nil` for a value that is not a plain integer in range (the API answers
    ///   `HTTPAPIError.invalidPagination`).
    init?(start: String?, count: String?) {
        if let start {
            guard let value = Int(start), value >= 0 else { return nil }
            self.start = value
        }
        if let count {
            guard let value = Int(count), value >= 1 else { return nil }
            self.count = min(value, Self.maximumCount)
        }
    }

    init() {}

    func slice<Element>(of all: [Element]) -> ArraySlice<Element> {
        guard start < all.count else { return [] }
        return all[start..<min(all.count, start + count)]
    }
}
