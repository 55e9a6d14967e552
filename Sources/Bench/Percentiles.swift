/// Order statistics over a sample, by the nearest-rank method (the smallest value with at least
/// `p` percent of the sample at or below it), so every reported figure is a value that occurred.
public struct Percentiles: Sendable, Hashable {
    /// The sample, ascending.
    public let sorted: [Double]

    /// Sorts `values` once; later queries are O(1).
    public init(_ values: [Double]) {
        self.sorted = values.sorted()
    }

    public var count: Int { sorted.count }
    public var minimum: Double? { sorted.first }
    public var maximum: Double? { sorted.last }

    /// The `p`-th percentile (0...100), or `nil` for an empty sample.
    public func value(at p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let clamped = min(max(p, 0), 100)
        // Nearest rank: ceil(p/100 × n), 1-based; p = 0 is the minimum.
        let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(rank, 1) - 1]
    }

    public var median: Double? { value(at: 50) }
}
