import NIOCore
import RTMP

/// What a handshake state machine did with one input.
struct HandshakeOutcome: Equatable {
    /// The length of each `.send`, in order.
    var sends: [Int] = []
    var completed = false
    var failed = false
    var leftover: [UInt8] = []
}

/// Feeds a handshake state machine its peer's bytes, whole or in the pieces a `SplitPlan` gives, and checks
/// what every role must keep: `.complete`/`.fail` are the last action of a call, nothing follows them,
/// and a completed machine answers later bytes with nothing.
enum HandshakeDriver {
    static func outcome(
        of machine: inout RTMPHandshakeStateMachine, _ bytes: UnsafeBufferPointer<UInt8>,
        plan: UnsafeMutablePointer<SplitPlan>?
    ) -> HandshakeOutcome {
        var result = HandshakeOutcome()
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
                    result.sends.append(out.readableBytes)
                case .complete(let leftover):
                    fuzzCheck(index == actions.count - 1, "complete is not last")
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
