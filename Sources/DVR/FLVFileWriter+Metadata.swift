import Media

extension FLVFileWriter {
    /// Bits in the "kilobit" of FLV data rates: ffmpeg's FLV muxer and flvmeta divide by 1024.
    static let bitsPerKilobit = 1024.0

    /// The `onMetaData` written while recording: what the sequence headers tell, no duration or index.
    func initialProperties(_ known: FLVFileStatistics) -> [AMF0Property] {
        var properties: [AMF0Property] = [
            AMF0Property(FLVMetadataKey.hasVideo, .boolean(initialHeader.hasVideo)),
            AMF0Property(FLVMetadataKey.hasAudio, .boolean(initialHeader.hasAudio)),
        ]
        properties += Self.pictureProperties(known, frameRate: publisherFrameRate)
        properties += Self.codecProperties(
            known, includeVideo: initialHeader.hasVideo, includeAudio: initialHeader.hasAudio)
        properties.append(AMF0Property(FLVMetadataKey.metadataCreator, .string(Self.creator)))
        return properties + publisherMetadata
    }

    /// The complete `onMetaData` of the final file.
    /// - Parameters:
    ///   - shift: Bytes the final head adds to (or takes from) the recorded head, applied to every offset.
    ///   - fileSize: The size of the final file.
    func finalProperties(shift: Int, fileSize: Int) -> [AMF0Property] {
        let stats = statistics
        let seconds = stats.durationMilliseconds / 1000
        func rate(_ bytes: Int) -> Double { seconds > 0 ? Double(bytes) * 8 / Self.bitsPerKilobit / seconds : 0 }

        var properties: [AMF0Property] = [
            AMF0Property(FLVMetadataKey.duration, .number(seconds)),
            AMF0Property(FLVMetadataKey.fileSize, .number(Double(fileSize))),
        ]
        properties += Self.pictureProperties(stats, frameRate: stats.frameRate ?? publisherFrameRate)
        properties += Self.codecProperties(stats, includeVideo: stats.hasVideo, includeAudio: stats.hasAudio)
        if stats.hasVideo {
            properties.append(AMF0Property(FLVMetadataKey.videoDataRate, .number(rate(stats.videoBytes))))
        }
        if stats.hasAudio {
            properties.append(AMF0Property(FLVMetadataKey.audioDataRate, .number(rate(stats.audioBytes))))
        }
        properties += [
            AMF0Property(FLVMetadataKey.hasVideo, .boolean(stats.hasVideo)),
            AMF0Property(FLVMetadataKey.hasAudio, .boolean(stats.hasAudio)),
            AMF0Property(FLVMetadataKey.hasMetadata, .boolean(true)),
            AMF0Property(FLVMetadataKey.hasKeyframes, .boolean(stats.keyframes > 0)),
            AMF0Property(FLVMetadataKey.canSeekToEnd, .boolean(stats.endsWithKeyframe)),
            AMF0Property(FLVMetadataKey.lastTimestamp, .number(Double(stats.lastTimestamp) / 1000)),
        ]
        if let time = stats.lastKeyframeTimestamp, let location = stats.lastKeyframePosition {
            properties.append(AMF0Property(FLVMetadataKey.lastKeyframeTimestamp, .number(Double(time) / 1000)))
            properties.append(AMF0Property(FLVMetadataKey.lastKeyframeLocation, .number(Double(location + shift))))
        }
        properties.append(AMF0Property(FLVMetadataKey.metadataCreator, .string(Self.creator)))
        properties += publisherMetadata
        properties.append(AMF0Property(FLVMetadataKey.keyframes, keyframeIndex.metadataValue(shift: shift)))
        return properties
    }

    private static func pictureProperties(_ stats: FLVFileStatistics, frameRate: Double?) -> [AMF0Property] {
        var properties: [AMF0Property] = []
        if let width = stats.width, let height = stats.height {
            properties.append(AMF0Property(FLVMetadataKey.width, .number(Double(width))))
            properties.append(AMF0Property(FLVMetadataKey.height, .number(Double(height))))
        }
        if let frameRate { properties.append(AMF0Property(FLVMetadataKey.frameRate, .number(frameRate))) }
        return properties
    }

    private static func codecProperties(
        _ stats: FLVFileStatistics, includeVideo: Bool, includeAudio: Bool
    ) -> [AMF0Property] {
        var properties: [AMF0Property] = []
        if includeVideo, let id = stats.videoCodecID {
            properties.append(AMF0Property(FLVMetadataKey.videoCodecID, .number(Double(id))))
        }
        guard includeAudio else { return properties }
        if let id = stats.audioCodecID {
            properties.append(AMF0Property(FLVMetadataKey.audioCodecID, .number(Double(id))))
        }
        if let rate = stats.audioSampleRate {
            properties.append(AMF0Property(FLVMetadataKey.audioSampleRate, .number(Double(rate))))
        }
        if let size = stats.audioSampleSize {
            properties.append(AMF0Property(FLVMetadataKey.audioSampleSize, .number(Double(size))))
        }
        if let stereo = stats.isStereo { properties.append(AMF0Property(FLVMetadataKey.stereo, .boolean(stereo))) }
        return properties
    }

    /// The frame rate a publisher announced (`framerate`, or `fps` as some encoders write it).
    static func announcedFrameRate(in properties: [AMF0Property]) -> Double? {
        let value = properties.first { $0.key == FLVMetadataKey.frameRate }?.value
            ?? properties.first { $0.key == "fps" }?.value
        guard let rate = value?.numberValue, rate.isFinite, rate > 0 else { return nil }
        return rate
    }
}
