import NIOCore
import RTMP

/// The client's handshake state machine (edge pulls, pushes, forwards) fed arbitrary S0/S1/S2 bytes in
/// arbitrary pieces, in each of the modes a client offers.
///
/// Properties: `start()` sends C0+C1 (1 + 1536 bytes) once; C2 (1536 bytes) is sent at most once and only
/// before completing; `.complete`/`.fail` are the last action of a call and nothing follows them; the
/// result does not depend on how the bytes were split.
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

    private struct Outcome: Equatable {
        var sentC2 = false
        var completed = false
        var failed = false
        var leftover: [UInt8] = []
    }

    private static func outcome(
        _ bytes: UnsafeBufferPointer<UInt8>, mode: RTMPHandshakeMode, plan: UnsafeMutablePointer<SplitPlan>?
    ) -> Outcome {
        var machine = RTMPHandshakeStateMachine(role: .client, configuration: .init(clientMode: mode))
        guard case .send(let c0c1)? = machine.start() else {
            fuzzCheck(false, "a client's start() sends nothing")
            return Outcome()
        }
        fuzzCheck(c0c1.readableBytes == 1 + 1536, "C0+C1 of \(c0c1.readableBytes) bytes")
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
                    fuzzCheck(!result.sentC2, "C2 sent twice")
                    fuzzCheck(out.readableBytes == 1536, "C2 of \(out.readableBytes) bytes")
                    result.sentC2 = true
                case .complete(let leftover):
                    fuzzCheck(index == actions.count - 1, "complete is not last")
                    fuzzCheck(result.sentC2, "complete before sending C2")
                    result.completed = true
                    result.leftover += Array(leftover.readableBytesView)
                case .fail:
                    fuzzCheck(index == actions.count - 1, "fail is not last")
                    result.failed = true
                }
            }
            if result.completed {
                result.leftover += Array(bytes[offset...])
                fuzzCheck(machine.receive(ByteBuffer(bytes: [0x03])).isEmpty, "actions after complete")
                break
            }
            if result.failed { break }
        }
        return result
    }
}
