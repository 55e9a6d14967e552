import Foundation
import Testing

/// The real `headwater` binary on loopback against hostile input, connection floods and foreign
/// clients (rtmpdump, GStreamer). One serialized parent suite: every test starts the server and
/// several encoders, which is all a two-core machine should run at once.
@Suite("headwater binary: bad input, limits, interop", .serialized, .integration)
struct HeadwaterBinaryTests {}

/// A deterministic generator for the "random" bytes tests send (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}
