/// One running ingest output, as the HTTP API and logs show it.
public struct IngestStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Opening (or reopening) the input.
        case connecting
        /// Reading the input and publishing.
        case active
        /// Waiting before the next attempt after the input failed or ended.
        case backoff
        /// Stopped (removed by a reload, or the server is stopping).
        case stopped
    }

    /// The ingest's id (`ingest ID { }`).
    public var id: String
    public var vhost: String
    /// The engine's name (empty for an unnamed engine).
    public var engine: String
    public var inputURL: String
    /// The engine's output with its variables replaced.
    public var outputURL: String
    public var state: State
    /// How many times the input was reopened after a failure or, for a stream, its end.
    public var restarts: Int
    /// Packets published so far.
    public var packets: Int
    /// The last failure, libav's message included; `nil` before any.
    public var lastError: String?

    public init(
        id: String, vhost: String, engine: String, inputURL: String, outputURL: String,
        state: State = .connecting, restarts: Int = 0, packets: Int = 0, lastError: String? = nil
    ) {
        self.id = id
        self.vhost = vhost
        self.engine = engine
        self.inputURL = inputURL
        self.outputURL = outputURL
        self.state = state
        self.restarts = restarts
        self.packets = packets
        self.lastError = lastError
    }
}
