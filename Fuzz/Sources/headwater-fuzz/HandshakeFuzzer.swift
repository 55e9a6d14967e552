import NIOCore
import RTMP

/// The server's handshake state machine fed arbitrary C0/C1/C2 bytes in arbitrary pieces.
///
/// Properties: `.complete`/`.fail` are the last action of a call and nothing follows them; the server sends
/// S0+S1+S2 (1 + 1536 + 1536 bytes) at most once and only before completing; the result does not depend on
/// how the bytes were split.
enum HandshakeFuzzer {
    private static let serverReplyLength = 1 + 2 * 1536

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let whole = outcome(bytes, plan: nil)
        var plan = SplitPlan(bytes)
        let split = outcome(bytes, plan: &plan)
        fuzzCheck(whole == split, "handshake outcome depends on the split: \(whole) vs \(split)")
    }

    private struct Outcome: Equatable {
        var sent = 0
        var completed = false
        var failed = false
        var leftover: [UInt8] = []
    }

    private static func outcome(_ bytes: UnsafeBufferPointer<UInt8>, plan: UnsafeMutablePointer<SplitPlan>?) -> Outcome {
        var machine = RTMPHandshakeStateMachine(role: .server)
        fuzzCheck(machine.start() == nil, "a server's start() sends nothing")
        var result = Outcome()
        var offset = 0
        while offset < bytes.count {
            let length = plan.map { min($0.pointee.nextLength(maximum: 2048), bytes.count - offset) } ?? bytes.count
            let piece = ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]))
            offset += length
            let actions = machine.receive(piece)
            for (index, action) in actions.enumerated() {
                fuzzCheck(!result.completed && !result.failed, "an action after the handshake ended")
                switch action {
                case .send(let out):
                    fuzzCheck(result.sent == 0, "S0+S1+S2 sent twice")
                    result.sent = out.readableBytes
                    fuzzCheck(out.readableBytes == serverReplyLength, "reply of \(out.readableBytes) bytes")
                case .complete(let leftover):
                    fuzzCheck(index == actions.count - 1, "complete is not last")
                    fuzzCheck(result.sent == serverReplyLength, "complete before replying")
                    result.completed = true
                    result.leftover += Array(leftover.readableBytesView)
                case .fail:
                    fuzzCheck(index == actions.count - 1, "fail is not last")
                    result.failed = true
                }
            }
            if result.completed {
                // What arrives after completion belongs to the chunk stream, not to the handshake.
                result.leftover += Array(bytes[offset...])
                fuzzCheck(machine.receive(ByteBuffer(bytes: [0x03])).isEmpty, "actions after complete")
                break
            }
            if result.failed { break }
        }
        return result
    }
}
