import RTMP

/// The server's handshake state machine fed arbitrary C0/C1/C2 bytes in arbitrary pieces.
///
/// Properties: those `HandshakeDriver` checks; the server sends S0+S1+S2 (1 + 1536 + 1536 bytes) at most
/// once and before completing; the result does not depend on how the bytes were split.
enum HandshakeFuzzer {
    private static let serverReplyLength = 1 + 2 * 1536

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let whole = outcome(bytes, plan: nil)
        var plan = SplitPlan(bytes)
        let split = outcome(bytes, plan: &plan)
        fuzzCheck(whole == split, "handshake outcome depends on the split: \(whole) vs \(split)")
    }

    private static func outcome(_ bytes: UnsafeBufferPointer<UInt8>, plan: UnsafeMutablePointer<SplitPlan>?) -> HandshakeOutcome {
        var machine = RTMPHandshakeStateMachine(role: .server)
        fuzzCheck(machine.start() == nil, "a server's start() sends nothing")
        let result = HandshakeDriver.outcome(of: &machine, bytes, plan: plan)
        fuzzCheck(result.sends.count <= 1, "S0+S1+S2 sent \(result.sends.count) times")
        fuzzCheck(result.sends.allSatisfy { $0 == serverReplyLength }, "replies of \(result.sends) bytes")
        fuzzCheck(!result.completed || result.sends.count == 1, "complete before replying")
        return result
    }
}
