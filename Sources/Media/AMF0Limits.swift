/// Bounds applied while decoding AMF0, so hostile input cannot exhaust the stack or memory.
public enum AMF0Limits {
    /// How deeply objects and arrays may nest; real RTMP commands and metadata use 2 or 3 levels.
    public static let maximumNestingDepth = 64
    /// The largest long string or array element count accepted: an RTMP message length is
    /// 24 bits (RTMP 1.0 §5.3.1.2), so nothing longer can arrive in one.
    public static let maximumLength = 0xFF_FFFF
    /// How many values references (0x07) may copy in, in total, within one message. A reference repeats a
    /// whole earlier object, so a few hundred bytes of nested references would otherwise describe an
    /// exponentially large value that every later walk (encoding, comparing, logging) has to visit.
    public static let maximumReferencedValues = 1 << 16
}
