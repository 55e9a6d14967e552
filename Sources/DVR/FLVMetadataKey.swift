/// Names used in an FLV file's `onMetaData` (FLV 10.1 §E.5, plus the keyframe index and counters
/// that yamdi, flvmeta and ffmpeg write and players read).
public enum FLVMetadataKey {
    /// The script data name of the metadata tag (FLV 10.1 §E.5).
    public static let onMetaData = "onMetaData"

    public static let duration = "duration"
    public static let fileSize = "filesize"
    public static let width = "width"
    public static let height = "height"
    public static let frameRate = "framerate"
    public static let videoCodecID = "videocodecid"
    public static let videoDataRate = "videodatarate"
    public static let audioCodecID = "audiocodecid"
    public static let audioDataRate = "audiodatarate"
    public static let audioSampleRate = "audiosamplerate"
    public static let audioSampleSize = "audiosamplesize"
    public static let stereo = "stereo"
    public static let hasVideo = "hasVideo"
    public static let hasAudio = "hasAudio"
    public static let hasMetadata = "hasMetadata"
    public static let hasKeyframes = "hasKeyframes"
    public static let canSeekToEnd = "canSeekToEnd"
    public static let lastTimestamp = "lasttimestamp"
    public static let lastKeyframeTimestamp = "lastkeyframetimestamp"
    public static let lastKeyframeLocation = "lastkeyframelocation"
    public static let metadataCreator = "metadatacreator"
    public static let keyframes = "keyframes"
    public static let times = "times"
    public static let filePositions = "filepositions"

    /// Keys the recorder computes itself; a publisher's values for them are not copied.
    static let computed: Set<String> = [
        duration, fileSize, width, height, frameRate, videoCodecID, videoDataRate, audioCodecID, audioDataRate,
        audioSampleRate, audioSampleSize, stereo, hasVideo, hasAudio, hasMetadata, hasKeyframes, canSeekToEnd,
        lastTimestamp, lastKeyframeTimestamp, lastKeyframeLocation, metadataCreator, keyframes,
        // Counters of the publisher's own file that would be wrong for ours.
        "datasize", "videosize", "audiosize", "cuePoints", "hasCuePoints", "audiodelay",
    ]
}
