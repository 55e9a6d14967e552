public import NIOCore

/// The leading fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1), up to the
/// frame cropping, which is what a server needs: profile, level and picture size. VUI is not read.
public struct AVCSequenceParameterSet: Sendable, Hashable {
    public var profileIDC: UInt8
    /// constraint_set0..5 flags and the reserved bits, as one byte.
    public var constraintFlags: UInt8
    public var levelIDC: UInt8
    public var id: UInt32
    /// 0 monochrome, 1 4:2:0 (implied for profiles without the field), 2 4:2:2, 3 4:4:4.
    public var chromaFormatIDC: UInt32
    public var separateColourPlane: Bool
    public var bitDepthLuma: Int
    public var bitDepthChroma: Int
    public var widthInMacroblocks: Int
    public var heightInMapUnits: Int
    /// `false` for interlaced streams, whose map units are field macroblock pairs.
    public var frameMBsOnly: Bool
    /// The frame_crop_*_offset fields, in crop units (zero when frame_cropping_flag is 0).
    public var frameCropping: FrameCropping

    /// Crop offsets from each edge, in crop units (H.264 §7.4.2.1.1).
    public struct FrameCropping: Sendable, Hashable {
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

    static let nalUnitType: UInt8 = 7
    /// profile_idc values whose SPS carries chroma format, bit depths and scaling matrices.
    static let profilesWithChromaInfo: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]
    static let maximumRefFramesInPicOrderCntCycle: UInt32 = 255
    /// delta_scale of a scaling list is -128...127 (H.264 §7.4.2.1.1.1).
    static let deltaScaleRange: ClosedRange<Int32> = -128...127

    /// Parses an SPS NAL unit (with its one-byte NAL header, as stored in an AVC configuration record).
    ///
    /// - Throws: ``CodecConfigurationError`` when it is not an SPS or is malformed.
    public init(parsing nalUnit: ByteBuffer) throws(CodecConfigurationError) {
        var bits = BitReader(BitReader.rbsp(nalUnit))
        try bits.skipBits(3, "forbidden_zero_bit, nal_ref_idc")
        guard try bits.readBits(5, "nal_unit_type") == Self.nalUnitType else { throw .invalidValue("nal_unit_type") }
        profileIDC = UInt8(try bits.readBits(8, "profile_idc"))
        constraintFlags = UInt8(try bits.readBits(8, "constraint_set_flags"))
        levelIDC = UInt8(try bits.readBits(8, "level_idc"))
        id = try bits.readUE("seq_parameter_set_id")
        chromaFormatIDC = 1
        separateColourPlane = false
        bitDepthLuma = 8
        bitDepthChroma = 8
        if Self.profilesWithChromaInfo.contains(profileIDC) {
            chromaFormatIDC = try bits.readUE("chroma_format_idc")
            guard chromaFormatIDC <= 3 else { throw .invalidValue("chroma_format_idc") }
            if chromaFormatIDC == 3 { separateColourPlane = try bits.readFlag("separate_colour_plane_flag") }
            bitDepthLuma = 8 + Int(try bits.readUE("bit_depth_luma_minus8"))
            bitDepthChroma = 8 + Int(try bits.readUE("bit_depth_chroma_minus8"))
            try bits.skipBits(1, "qpprime_y_zero_transform_bypass_flag")
            if try bits.readFlag("seq_scaling_matrix_present_flag") {
                for index in 0..<(chromaFormatIDC == 3 ? 12 : 8) where try bits.readFlag("seq_scaling_list_present_flag") {
                    try Self.skipScalingList(&bits, size: index < 6 ? 16 : 64)
                }
            }
        }
        try Self.skipFrameNumberAndPictureOrder(&bits)
        _ = try bits.readUE("max_num_ref_frames")
        try bits.skipBits(1, "gaps_in_frame_num_value_allowed_flag")
        widthInMacroblocks = Int(try bits.readUE("pic_width_in_mbs_minus1")) + 1
        heightInMapUnits = Int(try bits.readUE("pic_height_in_map_units_minus1")) + 1
        frameMBsOnly = try bits.readFlag("frame_mbs_only_flag")
        if !frameMBsOnly { try bits.skipBits(1, "mb_adaptive_frame_field_flag") }
        try bits.skipBits(1, "direct_8x8_inference_flag")
        frameCropping = FrameCropping()
        if try bits.readFlag("frame_cropping_flag") {
            frameCropping.left = try bits.readUE("frame_crop_left_offset")
            frameCropping.right = try bits.readUE("frame_crop_right_offset")
            frameCropping.top = try bits.readUE("frame_crop_top_offset")
            frameCropping.bottom = try bits.readUE("frame_crop_bottom_offset")
        }
        guard width > 0, height > 0 else { throw .invalidValue("frame cropping") }
    }

    /// Crop unit sizes (H.264 §7.4.2.1.1, equations 7-19 to 7-22).
    private var cropUnit: (x: Int, y: Int) {
        let fieldFactor = frameMBsOnly ? 1 : 2
        guard chromaFormatIDC != 0, !separateColourPlane else { return (1, fieldFactor) }
        let subWidth = chromaFormatIDC == 3 ? 1 : 2
        let subHeight = chromaFormatIDC == 1 ? 2 : 1
        return (subWidth, subHeight * fieldFactor)
    }

    /// The displayed width in luma samples, after cropping.
    public var width: Int {
        widthInMacroblocks * 16 - cropUnit.x * (Int(frameCropping.left) + Int(frameCropping.right))
    }

    /// The displayed frame height in luma samples, after cropping.
    public var height: Int {
        (frameMBsOnly ? 1 : 2) * heightInMapUnits * 16
            - cropUnit.y * (Int(frameCropping.top) + Int(frameCropping.bottom))
    }

    /// scaling_list() (H.264 §7.3.2.1.1.1): only consumed, since a server has no use for the values.
    private static func skipScalingList(_ bits: inout BitReader, size: Int) throws(CodecConfigurationError) {
        var last: Int32 = 8
        var next: Int32 = 8
        for _ in 0..<size {
            if next != 0 {
                let delta = try bits.readSE("delta_scale")
                // Bounded by the spec (§7.4.2.1.1.1); unchecked, a 32-bit delta would overflow the sum below.
                guard deltaScaleRange.contains(delta) else { throw .invalidValue("delta_scale") }
                next = (last + delta + 256) % 256
            }
            last = next == 0 ? last : next
        }
    }

    private static func skipFrameNumberAndPictureOrder(_ bits: inout BitReader) throws(CodecConfigurationError) {
        _ = try bits.readUE("log2_max_frame_num_minus4")
        let picOrderCountType = try bits.readUE("pic_order_cnt_type")
        switch picOrderCountType {
        case 0:
            _ = try bits.readUE("log2_max_pic_order_cnt_lsb_minus4")
        case 1:
            try bits.skipBits(1, "delta_pic_order_always_zero_flag")
            _ = try bits.readSE("offset_for_non_ref_pic")
            _ = try bits.readSE("offset_for_top_to_bottom_field")
            let cycle = try bits.readUE("num_ref_frames_in_pic_order_cnt_cycle")
            guard cycle <= maximumRefFramesInPicOrderCntCycle else {
                throw .invalidValue("num_ref_frames_in_pic_order_cnt_cycle")
            }
            for _ in 0..<cycle { _ = try bits.readSE("offset_for_ref_frame") }
        case 2:
            break
        default:
            throw .invalidValue("pic_order_cnt_type")
        }
    }
}
