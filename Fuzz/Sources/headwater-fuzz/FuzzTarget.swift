/// The fuzz targets, one per parser; the raw value is what `HEADWATER_FUZZ_TARGET` and `scripts/fuzz.sh` use,
/// and the name of the seed corpus folder `Fuzz/Corpus/<name>`.
enum FuzzTarget: String, CaseIterable, Sendable {
    case handshake
    case clientHandshake = "client-handshake"
    case rtmpURL = "rtmp-url"
    case chunk
    case amf0
    case flv
    case codec
    case config
    case httpPath = "http-path"
    case apiRequest = "api-request"

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .handshake: HandshakeFuzzer.run(bytes)
        case .clientHandshake: ClientHandshakeFuzzer.run(bytes)
        case .rtmpURL: RTMPURLFuzzer.run(bytes)
        case .chunk: ChunkFuzzer.run(bytes)
        case .amf0: AMF0Fuzzer.run(bytes)
        case .flv: FLVFuzzer.run(bytes)
        case .codec: CodecConfigFuzzer.run(bytes)
        case .config: ConfigFuzzer.run(bytes)
        case .httpPath: HTTPPathFuzzer.run(bytes)
        case .apiRequest: APIRequestFuzzer.run(bytes)
        }
    }
}
