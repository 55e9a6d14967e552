import NIOCore
import RTMP

/// The client's handshake state machine (edge pulls, pushes, forwards) fed arbitrary S0/S1/S2 bytes in
/// arbitrary pieces, in each of the modes a client offers.
///
/// Properties: those `HandshakeDriver` checks; `start()` sends C0+C1 (1 + 1536 bytes); C2 (1536 bytes) is
/// sent at most once and before completing; the result does not depend on how the bytes were split.
enum ClientHandshakeFuzzer {
    private static let modes: [RTMPHandshakeMode] = [.simple, .digest(.keyThenDigest), .digest(.digestThenKey)]

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        // The first byte picks the mode, so each corpus file keeps to one.
        let mode = modes[Int(first) % modes.count]
        let body = UnsafeBufferPointer(rebasing: bytes.dropFirst())
        let whole = outcome(body, mode: mode, plan: nil)
        var plan = SplitPlan(bytes)
        let split = outcome(body, mode: mode, plan: &plan)
        fuzzCheck(whole == split, "client handshake outcome depends on the split: \(whole) vs \(split)")
    }

    private static func outcome(
        _ bytes: UnsafeBufferPointer<UInt8>, mode: RTMPHandshakeMode, plan: UnsafeMutablePointer<SplitPlan>?
    ) -> HandshakeOutcome {
        var machine = RTMPHandshakeStateMachine(role: .client, configuration: .init(clientMode: mode))
        guard case .send(let c0c1)? = machine.start() else {
            fuzzCheck(false, "a client's start() sends nothing")
            return HandshakeOutcome()
        }
        fuzzCheck(c0c1.readableBytes == 1 + 1536, "C0+C1 of \(c0c1.readableBytes) bytes")
        let result = HandshakeDriver.outcome(of: &machine, bytes, plan: plan)
        fuzzCheck(result.sends.count <= 1, "C2 sent \(result.sends.count) times")
        fuzzCheck(result.sends.allSatisfy { $0 == 1536 }, "C2 of \(result.sends) bytes")
        fuzzCheck(!result.completed || result.sends.count == 1, "complete before sending C2")
        return result
    }
}
