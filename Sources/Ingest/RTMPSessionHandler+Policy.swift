import Live
import Logging
import NIOCore
import RTMP
import Sessions

/// The session handler's dealings with the `SessionPolicy` and the `ClientRegistry`: what the
/// client is (`ClientInfo`), the connect decision, and the end of the connection (on_close).
extension RTMPSessionHandler {
    var snapshot: ClientSessionSnapshot {
        session?.snapshot ?? ClientSessionSnapshot(id: 0, info: info)
    }

    func setInfo(_ body: (inout ClientInfo) -> Void) {
        body(&info)
        let updated = info
        session?.update { $0 = updated }
    }

    /// `connect` with a usable tcUrl: record what it names and put it to the policy.
    func requestConnect(_ connect: RTMPConnectCommand, target: RTMPConnectTarget, context: ChannelHandlerContext) {
        // A placeholder stream name resolves app, vhost and query the way a later publish or play will.
        let request = try? RTMPStreamRequest(target: target, streamName: "_")
        setInfo { info in
            info.tcUrl = connect.tcUrl ?? ""
            info.pageUrl = connect.pageUrl ?? ""
            info.swfUrl = connect.swfUrl ?? ""
            if let request {
                info.vhost = settings.resolvedVhostName(request.vhost)
                info.app = request.app
                info.param = request.queryItems.isEmpty ? "" : "?" + request.query
            }
        }
        connectAttempted = true
        clientIsEdge = connect.isFromEdge
        logger[metadataKey: "rtmp.app"] = .string(info.app)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        policy.decide(.connect, client: snapshot, on: context.eventLoop) { result in
            let handler = loopBound.value
            guard let context = handler.context, handler.machine.state == .connectPending else { return }
            switch result {
            case .success(.allow):
                handler.perform(handler.machine.connectAccepted(), context: context)
                // Media held behind the connect belongs to a publish only if one is now pending.
                if handler.machine.state != .publishPending { handler.discardPendingMedia() }
            case .success(.deny(let reason)):
                handler.logger.warning("connect denied", metadata: ["reason": "\(reason)"])
                handler.perform(handler.machine.connectRejected(description: reason), context: context)
            case .failure(let error):
                handler.perform(handler.machine.connectRejected(description: "\(error)"), context: context)
            }
        }
    }

    func updateInfo(kind: ClientKind, request: RTMPStreamRequest, key: StreamKey) {
        setInfo { info in
            info.kind = kind
            info.vhost = key.vhost
            info.app = key.app
            info.stream = key.stream
            info.param = request.queryItems.isEmpty ? "" : "?" + request.query
        }
    }

    /// Back to a plain connection once a publish or play ends or is refused.
    func resetInfoKind() {
        setInfo { info in
            info.kind = .rtmpConnection
            info.stream = ""
        }
    }

    /// Reports the end of the connection (on_close) once, then leaves the registry.
    func endSession() {
        guard !sessionEnded else { return }
        sessionEnded = true
        if connectAttempted { policy.sessionDidEnd(.close, client: snapshot) }
        session?.end()
    }
}
