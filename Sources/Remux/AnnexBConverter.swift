import Media
import NIOCore

/// Rewrites length-prefixed H.264/H.265 access units (ISO/IEC 14496-15 §5.3.2, §8.3.2) as an
/// Annex B byte stream (ITU-T H.264 Annex B), the form MPEG-TS carries.
///
/// Each access unit starts with an access unit delimiter, which iOS, QuickTime and video.js
/// need to find frame boundaries; a delimiter the source sent is dropped so there is exactly
/// one, first. Random access pictures get the parameter sets from the sequence header in
/// front, unless they carry their own, so every segment can start decoding on its own.
///
/// Conversion is two passes over the frame: ``scan(_:)`` validates every length and sizes the
/// output, then ``write(_:layout:parameterSets:into:)`` copies the NAL units once, straight into
/// transport packets. Nothing is allocated per frame or per NAL unit.
struct AnnexBConverter: Sendable, Hashable {
    /// The four-byte start code, also allowed (and the only one needed) before every NAL unit.
    static let startCode: UInt64 = 0x0000_0001
    static let startCodeLength = 4

    /// What ``scan(_:)`` learns about one access unit.
    struct Layout: Hashable {
        /// Annex B bytes of the frame's own NAL units (start codes included, delimiters excluded).
        var nalUnitBytes = 0
        /// NAL units to write (empty units and delimiters are skipped).
        var nalUnitCount = 0
        /// Whether the frame carries a sequence parameter set.
        var hasParameterSets = false
        /// Whether the frame carries an IDR (H.264) or IRAP (H.265) picture.
        var hasRandomAccessPicture = false
    }

    let codec: TSVideoCodec
    /// Bytes in each NAL unit length prefix (1, 2 or 4).
    let lengthSize: Int
    /// The access unit delimiter NAL unit with its start code, in the low bytes.
    let accessUnitDelimiter: UInt64
    let accessUnitDelimiterLength: Int

    init(codec: TSVideoCodec, lengthSize: Int) {
        precondition([1, 2, 4].contains(lengthSize), "NAL unit length size \(lengthSize)")
        self.codec = codec
        self.lengthSize = lengthSize
        switch codec {
        case .h264:
            // nal_unit_type 9; primary_pic_type 7 (any slice type), then the RBSP stop bit.
            accessUnitDelimiter = Self.startCode << 16 | 0x09F0
            accessUnitDelimiterLength = 6
        case .h265:
            // nal_unit_type 35, layer 0, TemporalId 0; pic_type 2 (any slice type), then the stop bit.
            accessUnitDelimiter = Self.startCode << 24 | 0x46_0150
            accessUnitDelimiterLength = 7
        }
    }

    /// The nal_unit_type of a NAL unit from its first header byte.
    func nalUnitType(_ firstByte: UInt8) -> UInt8 {
        switch codec {
        case .h264: return firstByte & 0x1F
        case .h265: return firstByte >> 1 & 0x3F
        }
    }

    private var delimiterType: UInt8 { codec == .h264 ? H264NALUnitType.accessUnitDelimiter : H265NALUnitType.accessUnitDelimiter }

    private func isSequenceParameterSet(_ type: UInt8) -> Bool {
        codec == .h264 ? type == H264NALUnitType.sequenceParameterSet : type == H265NALUnitType.sequenceParameterSet
    }

    private func isRandomAccessPicture(_ type: UInt8) -> Bool {
        codec == .h264 ? type == H264NALUnitType.idrSlice : H265NALUnitType.intraRandomAccessPoints.contains(type)
    }

    /// Validates a frame's NAL unit lengths and measures its Annex B form.
    ///
    /// - Parameter frame: The readable bytes are the length-prefixed NAL units.
    /// - Throws: ``RemuxError/invalidNALUnitLength`` when a prefix is cut off or a unit runs past the frame.
    func scan(_ frame: ByteBuffer) throws(RemuxError) -> Layout {
        var layout = Layout()
        var index = frame.readerIndex
        let end = frame.writerIndex
        while index < end {
            guard end - index >= lengthSize else {
                throw .invalidNALUnitLength("\(end - index) bytes left for a \(lengthSize)-byte length")
            }
            let length = readLength(frame, at: index)
            index += lengthSize
            guard length <= end - index else {
                throw .invalidNALUnitLength("NAL unit of \(length) bytes with \(end - index) left")
            }
            defer { index += length }
            guard length > 0 else { continue }
            let type = nalUnitType(frame.getInteger(at: index, as: UInt8.self)!)
            if type == delimiterType { continue }
            layout.nalUnitBytes += Self.startCodeLength + length
            layout.nalUnitCount += 1
            if isSequenceParameterSet(type) { layout.hasParameterSets = true }
            if isRandomAccessPicture(type) { layout.hasRandomAccessPicture = true }
        }
        return layout
    }

    private func readLength(_ frame: ByteBuffer, at index: Int) -> Int {
        switch lengthSize {
        case 1: return Int(frame.getInteger(at: index, as: UInt8.self)!)
        case 2: return Int(frame.getInteger(at: index, as: UInt16.self)!)
        default: return Int(frame.getInteger(at: index, as: UInt32.self)!)
        }
    }

    /// The Annex B length of a frame as ``write(_:layout:parameterSets:into:)`` writes it.
    func annexBLength(_ layout: Layout, parameterSets: Int) -> Int {
        accessUnitDelimiterLength + parameterSets + layout.nalUnitBytes
    }

    /// Writes the delimiter, `parameterSets` (already in Annex B form, possibly empty) and the
    /// frame's NAL units.
    ///
    /// - Precondition: `frame` is the memory ``scan(_:)`` returned `layout` for.
    func write(
        _ frame: UnsafeRawBufferPointer, layout: Layout, parameterSets: UnsafeRawBufferPointer,
        into writer: inout TSPacketWriter
    ) {
        writer.write(bigEndian: accessUnitDelimiter, count: accessUnitDelimiterLength)
        writer.write(parameterSets)
        var index = 0
        while index < frame.count {
            var length = 0
            for byte in frame[index..<index + lengthSize] { length = length << 8 | Int(byte) }
            index += lengthSize
            precondition(length <= frame.count - index, "frame changed since it was scanned")
            defer { index += length }
            guard length > 0, nalUnitType(frame[index]) != delimiterType else { continue }
            writer.write(bigEndian: Self.startCode, count: Self.startCodeLength)
            writer.write(UnsafeRawBufferPointer(rebasing: frame[index..<index + length]))
        }
    }

    /// `nalUnits` in Annex B form, each behind a four-byte start code.
    static func annexB(_ nalUnits: [ByteBuffer]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(nalUnits.reduce(0) { $0 + startCodeLength + $1.readableBytes })
        for nalUnit in nalUnits where nalUnit.readableBytes > 0 {
            buffer.writeInteger(UInt32(startCode))
            buffer.writeImmutableBuffer(nalUnit)
        }
        return buffer
    }
}

/// H.264 nal_unit_type values the converter acts on (ITU-T H.264 Table 7-1).
enum H264NALUnitType {
    static let idrSlice: UInt8 = 5
    static let sequenceParameterSet: UInt8 = 7
    static let pictureParameterSet: UInt8 = 8
    static let accessUnitDelimiter: UInt8 = 9
}

/// H.265 nal_unit_type values the converter acts on (ITU-T H.265 Table 7-1).
enum H265NALUnitType {
    /// BLA_W_LP … RSV_IRAP_VCL23: the intra random access point pictures.
    static let intraRandomAccessPoints: ClosedRange<UInt8> = 16...23
    static let sequenceParameterSet = HEVCNALUnitType.sequenceParameterSet
    static let accessUnitDelimiter: UInt8 = 35
}
