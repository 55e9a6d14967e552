public import Media
public import NIOCore

/// Muxes FLV audio and video packets into an MPEG-2 transport stream of one program
/// (ISO/IEC 13818-1), the segment format of HLS (RFC 8216 §3.2). A pure value type: bytes in,
/// 188-byte packets out, no I/O and no clock.
///
/// H.264/H.265 frames become Annex B access units (``AnnexBConverter``), AAC frames get ADTS
/// headers and are grouped into one PES per ``Configuration/audioAggregation``, MP3 passes
/// through. Continuity counters keep counting across segments. The caller decides where
/// segments start: ``flush(into:)`` the pending audio, then ``writeProgramTables(into:)``.
///
/// Each frame's bytes are copied exactly once, from the packet payload into the transport
/// packets in `output`; nothing is allocated per frame once the output buffer has grown.
public struct TSRemuxer: Sendable {
    /// Timing choices of the remuxer.
    public struct Configuration: Sendable, Hashable {
        /// Milliseconds of audio collected into one PES. FLV's 1 ms clock against TS's 90 kHz
        /// makes a PES per 23 ms AAC frame wasteful; 0 writes every frame at once.
        public var audioAggregation: Int64
        /// Milliseconds added to every PTS, DTS and PCR, so that negative composition times and
        /// the PCR lead never take a timestamp below zero.
        public var timestampOffset: Int64
        /// Milliseconds the PCR runs behind the DTS of the PES carrying it, which gives the
        /// decoder that much buffering time (mediacommon uses 100 ms as well).
        public var pcrLead: Int64

        /// - Parameters:
        ///   - audioAggregation: Milliseconds of audio per PES (clamped to ≥ 0).
        ///   - timestampOffset: Milliseconds added to every timestamp.
        ///   - pcrLead: Milliseconds the PCR runs behind the DTS (clamped to ≥ 0).
        public init(audioAggregation: Int64 = 100, timestampOffset: Int64 = 1000, pcrLead: Int64 = 100) {
            self.audioAggregation = max(0, audioAggregation)
            self.timestampOffset = timestampOffset
            self.pcrLead = max(0, pcrLead)
        }
    }

    /// The size of every transport packet the remuxer writes (ISO/IEC 13818-1 §2.4.3.2).
    public static let packetSize = TSPacket.size

    public var configuration: Configuration
    /// Drops audio (HLS `hls_acodec an`): audio packets are ignored and the PMT lists no audio.
    public var excludesAudio = false
    /// Drops video (HLS `hls_vcodec vn`): video packets are ignored and the PMT lists no video.
    public var excludesVideo = false

    var video: VideoTrack?
    var audio: AudioTrack?
    var pendingAudio = PendingAudio()
    var continuityCounters = ContinuityCounters()
    /// The PMT last written, which also fixes the PID that carries the PCR until the next one.
    var programMap: ProgramMap?

    /// The program association table never changes.
    static let programAssociationSection = PSITables.programAssociationSection()

    /// - Parameter configuration: Timing choices.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The tracks currently known (from sequence headers, or the first MP3 frame), without excluded kinds.
    public var tracks: TSTracks {
        TSTracks(video: excludesVideo ? nil : video?.codec, audio: excludesAudio ? nil : audio?.codec)
    }

    /// RFC 6381 codec strings of ``tracks`` for a master playlist's CODECS attribute, video first,
    /// e.g. `["avc1.64001f", "mp4a.40.2"]`.
    public var codecs: [String] {
        var codecs: [String] = []
        if !excludesVideo, let video { codecs.append(video.codecString) }
        if !excludesAudio, let audio { codecs.append(audio.codecString) }
        return codecs
    }

    /// The displayed video size from the sequence parameter set, when known.
    public var videoSize: (width: Int, height: Int)? {
        guard !excludesVideo, let size = video?.size else { return nil }
        return (size.width, size.height)
    }

    /// Feeds one packet. Sequence headers update the state and write nothing; media frames are
    /// written into `output` as transport packets (audio possibly later, see ``RemuxResult/wroteAudio``).
    ///
    /// - Parameters:
    ///   - packet: An FLV audio, video or script-data tag body with its DTS in milliseconds.
    ///   - output: Where transport packets are appended.
    /// - Returns: What was done with the packet.
    /// - Throws: ``RemuxError`` for a malformed packet; nothing of it is written and the remuxer
    ///   stays usable.
    public mutating func append(_ packet: MediaPacket, into output: inout ByteBuffer) throws(RemuxError) -> RemuxResult {
        guard !packet.flags.contains(.metadata) else { return .ignored }
        switch packet.kind {
        case .video: return excludesVideo ? .ignored : try appendVideo(packet, into: &output)
        case .audio: return excludesAudio ? .ignored : try appendAudio(packet, into: &output)
        case .data: return .ignored
        }
    }

    /// Writes the pending aggregated audio as one PES. Call it before cutting a segment and at the end of the stream.
    ///
    /// - Parameter output: Where transport packets are appended.
    public mutating func flush(into output: inout ByteBuffer) {
        guard !pendingAudio.isEmpty else { return }
        if excludesAudio {
            pendingAudio.removeAll()
        } else {
            writePendingAudio(into: &output)
        }
    }

    /// Writes a PAT and a PMT for ``tracks`` (ISO/IEC 13818-1 §2.4.4). Call it at the start of every
    /// segment, after ``flush(into:)`` on the previous one. The PMT's version_number changes
    /// whenever its content does, and from then on the PCR goes on the PID it names.
    ///
    /// - Parameter output: Where the two transport packets are appended.
    public mutating func writeProgramTables(into output: inout ByteBuffer) {
        let streams = elementaryStreams
        let pcrPID = streams.first?.pid ?? TSPID.none
        if programMap?.streams != streams || programMap?.pcrPID != pcrPID {
            let version = programMap.map { ($0.version &+ 1) & PSITables.versionMask } ?? 0
            programMap = ProgramMap(
                streams: streams, pcrPID: pcrPID, version: version,
                section: PSITables.programMapSection(version: version, pcrPID: pcrPID, streams: streams))
        }
        output.reserveCapacity(minimumWritableBytes: 2 * TSPacket.size)
        output.writePSIPacket(
            section: Self.programAssociationSection, pid: TSPID.programAssociation,
            continuityCounter: &continuityCounters.programAssociation)
        output.writePSIPacket(
            section: programMap!.section, pid: TSPID.programMap, continuityCounter: &continuityCounters.programMap)
    }

    /// The PMT's elementary streams: video first, so it carries the PCR when present.
    private var elementaryStreams: [PSITables.ElementaryStream] {
        var streams: [PSITables.ElementaryStream] = []
        if !excludesVideo, let video { streams.append(.init(streamType: video.codec.streamType, pid: TSPID.video)) }
        if !excludesAudio, let audio { streams.append(.init(streamType: audio.streamType, pid: TSPID.audio)) }
        return streams
    }

    /// The PID that carries the PCR: the one the last PMT named, else the one the next PMT will name.
    var pcrPID: UInt16 {
        if let programMap { return programMap.pcrPID }
        if !excludesVideo, video != nil { return TSPID.video }
        if !excludesAudio, audio != nil { return TSPID.audio }
        return TSPID.none
    }

    /// `milliseconds` plus the offset, in 90 kHz ticks.
    func ticks(_ milliseconds: Int64) -> UInt64 {
        TSTimestamp.ticks(milliseconds: milliseconds &+ configuration.timestampOffset)
    }

    /// The PCR for a PES decoded at `dts` milliseconds, in 90 kHz ticks; never below zero.
    func programClockReference(dts: Int64) -> UInt64 {
        TSTimestamp.ticks(milliseconds: max(0, dts &+ configuration.timestampOffset &- configuration.pcrLead))
    }
}

/// The PMT as last written.
struct ProgramMap: Sendable, Hashable {
    var streams: [PSITables.ElementaryStream]
    var pcrPID: UInt16
    var version: UInt8
    var section: [UInt8]
}
