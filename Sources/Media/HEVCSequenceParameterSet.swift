public import NIOCore

/// The leading fields of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1), up to the
/// conformance window: profile, level and picture size.
public struct HEVCSequenceParameterSet: Sendable, Hashable {
    public var maxSubLayersMinus1: UInt8
    public var generalProfileSpace: UInt8
    public var generalTierFlag: Bool
    public var generalProfileIDC: UInt8
    public var generalLevelIDC: UInt8
    public var id: UInt32
    /// 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    public var chromaFormatIDC: UInt32
    public var separateColourPlane: Bool
    /// The coded size in luma samples, before the conformance window.
    public var codedWidth: Int
    public var codedHeight: Int
    /// The conformance window offsets, in chroma sample units (zero when conformance_window_flag is 0).
    public var conformanceWindow: ConformanceWindow

    /// Offsets from each edge of the coded picture (H.265 §7.4.3.2.1).
    public struct ConformanceWindow: Sendable, Hashable {
        public var left: UInt32
        public var right: UInt32
        public var top: UInt32
        public var bottom: UInt32

        public init(left: UInt32 = 0, right: UInt32 = 0, top: UInt32 = 0, bottom: UInt32 = 0) {
            self.left = left
            self.right = right
            self.top = top
            self.bottom = bottom
        }
    }

    static let nalUnitType: UInt8 = HEVCNALUnitType.sequenceParameterSet
    /// general_profile_space … general_reserved_zero / inbld bits: 88 bits before general_level_idc.
    static let generalProfileBits = 88
    static let maximumSubLayers: UInt8 = 8

    /// Parses an SPS NAL unit (with its two-byte NAL header, as stored in an HEVC configuration record).
    ///
    /// - Throws: ``CodecConfigurationError`` when it is not an SPS or is malformed.
    public init(parsing nalUnit: ByteBuffer) throws(CodecConfigurationError) {
        var bits = BitReader(BitReader.rbsp(nalUnit))
        try bits.skipBits(1, "forbidden_zero_bit")
        guard try bits.readBits(6, "nal_unit_type") == Self.nalUnitType else { throw .invalidValue("nal_unit_type") }
        try bits.skipBits(9, "nuh_layer_id, nuh_temporal_id_plus1")
        try bits.skipBits(4, "sps_video_parameter_set_id")
        maxSubLayersMinus1 = UInt8(try bits.readBits(3, "sps_max_sub_layers_minus1"))
        guard maxSubLayersMinus1 < Self.maximumSubLayers - 1 else { throw .invalidValue("sps_max_sub_layers_minus1") }
        try bits.skipBits(1, "sps_temporal_id_nesting_flag")
        // profile_tier_level(1, sps_max_sub_layers_minus1), §7.3.3
        generalProfileSpace = UInt8(try bits.readBits(2, "general_profile_space"))
        generalTierFlag = try bits.readFlag("general_tier_flag")
        generalProfileIDC = UInt8(try bits.readBits(5, "general_profile_idc"))
        try bits.skipBits(Self.generalProfileBits - 8, "general profile flags")
        generalLevelIDC = UInt8(try bits.readBits(8, "general_level_idc"))
        var subLayerPresence: [(profile: Bool, level: Bool)] = []
        for _ in 0..<maxSubLayersMinus1 {
            subLayerPresence.append(
                (try bits.readFlag("sub_layer_profile_present_flag"), try bits.readFlag("sub_layer_level_present_flag")))
        }
        if maxSubLayersMinus1 > 0 {
            try bits.skipBits(2 * Int(Self.maximumSubLayers - maxSubLayersMinus1), "reserved_zero_2bits")
        }
        for presence in subLayerPresence {
            if presence.profile { try bits.skipBits(Self.generalProfileBits, "sub_layer profile") }
            if presence.level { try bits.skipBits(8, "sub_layer_level_idc") }
        }
        id = try bits.readUE("sps_seq_parameter_set_id")
        chromaFormatIDC = try bits.readUE("chroma_format_idc")
        guard chromaFormatIDC <= 3 else { throw .invalidValue("chroma_format_idc") }
        separateColourPlane = chromaFormatIDC == 3 ? try bits.readFlag("separate_colour_plane_flag") : false
        codedWidth = Int(try bits.readUE("pic_width_in_luma_samples"))
        codedHeight = Int(try bits.readUE("pic_height_in_luma_samples"))
        conformanceWindow = ConformanceWindow()
        if try bits.readFlag("conformance_window_flag") {
            conformanceWindow.left = try bits.readUE("conf_win_left_offset")
            conformanceWindow.right = try bits.readUE("conf_win_right_offset")
            conformanceWindow.top = try bits.readUE("conf_win_top_offset")
            conformanceWindow.bottom = try bits.readUE("conf_win_bottom_offset")
        }
        guard width > 0, height > 0 else { throw .invalidValue("conformance window") }
    }

    /// SubWidthC and SubHeightC (H.265 Table 6-1).
    private var chromaSubsampling: (x: Int, y: Int) {
        guard !separateColourPlane else { return (1, 1) }
        switch chromaFormatIDC {
        case 1: return (2, 2)
        case 2: return (2, 1)
        default: return (1, 1)
        }
    }

    /// The displayed width in luma samples, after the conformance window.
    public var width: Int {
        codedWidth - chromaSubsampling.x * (Int(conformanceWindow.left) + Int(conformanceWindow.right))
    }

    /// The displayed height in luma samples, after the conformance window.
    public var height: Int {
        codedHeight - chromaSubsampling.y * (Int(conformanceWindow.top) + Int(conformanceWindow.bottom))
    }
}
