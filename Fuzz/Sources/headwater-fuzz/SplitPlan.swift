/// Deterministic split points for feeding one input in pieces, derived from the input itself so that the
/// corpus files stay plain captures (no control prefix) and a crash reproduces from its file alone.
struct SplitPlan {
    private var state: UInt64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        // FNV-1a, then never zero (xorshift would stick at 0).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        self.state = hash | 1
    }

    /// The next piece length, 1...maximum, favouring small pieces (1-byte drips are where decoders break).
    mutating func nextLength(maximum: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let value = Int(truncatingIfNeeded: state >> 1)
        switch value % 4 {
        case 0: return 1
        case 1: return 1 + (value >> 2) % min(maximum, 16)
        default: return 1 + (value >> 2) % maximum
        }
    }

    /// Whether to take an option, one time in `oneIn`.
    mutating func chance(oneIn: Int) -> Bool {
        nextLength(maximum: 1 << 20) % oneIn == 0
    }
}
