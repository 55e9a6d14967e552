/// The port the HTTP server bound, for whoever waits for it (tests binding port 0, the start-up log).
actor HTTPListeningPort {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case stopped(any Error)
    }

    private var state = State.waiting([])

    /// Waits until the server listens.
    /// - Returns: The bound port.
    /// - Throws: Why the server stopped, if it stopped (or failed to bind) first.
    func value() async throws -> Int {
        switch state {
        case .listening(let port):
            return port
        case .stopped(let error):
            throw error
        case .waiting(let waiters):
            // The body runs at once, on this actor, so nothing can change `state` in between.
            return try await withCheckedThrowingContinuation { continuation in
                state = .waiting(waiters + [continuation])
            }
        }
    }

    /// Records the bound port and wakes the waiters.
    func bound(_ port: Int) {
        guard case .waiting(let waiters) = state else { return }
        state = .listening(port)
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// Records that the server stopped; waiters, now and later, get `error`.
    func stopped(_ error: any Error) {
        if case .waiting(let waiters) = state {
            for waiter in waiters { waiter.resume(throwing: error) }
        }
        state = .stopped(error)
    }
}
