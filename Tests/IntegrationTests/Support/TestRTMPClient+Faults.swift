import Foundation

extension TestRTMPClient {
    /// Closes with a TCP reset (SO_LINGER 0) instead of a FIN, as a crashing host or a NAT timeout does.
    func reset() {
        guard descriptor >= 0 else { return }
        var linger = Foundation.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
        close()
    }
}

extension TestRTMPClient {
    /// One `recv` of at most `count` bytes straight from the socket, bypassing the decoder, waiting
    /// up to `timeout` seconds: a deliberately slow reader. `closed` when the server closed or reset.
    func readDirect(upTo count: Int, timeout: Double) -> (count: Int, closed: Bool) {
        guard descriptor >= 0 else { return (0, true) }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(timeout * 1000)) > 0 else { return (0, false) }
        var scratch = [UInt8](repeating: 0, count: count)
        let received = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, count, 0) }
        if received > 0 { return (received, false) }
        if received < 0 && (errno == EAGAIN || errno == EINTR) { return (0, false) }
        return (0, true)
    }
}
