import NIOCore
import Testing

@testable import Media

/// Inputs the fuzzers (`scripts/fuzz.sh`) turned up, kept so the fixes stay fixed.
@Suite("Media parsers: fuzz regressions")
struct MediaFuzzRegressionTests {
    /// Strict arrays whose elements are references to the previous array: `count` values, each twice the
    /// size of the one before (the `amf0` target timed out encoding what 434 bytes decoded to).
    static func doublingReferences(count: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x0A, 0, 0, 0, 0]
        for slot in 1..<count {
            let previous = [UInt8(truncatingIfNeeded: (slot - 1) >> 8), UInt8(truncatingIfNeeded: slot - 1)]
            bytes += [0x0A, 0, 0, 0, 2, 0x07] + previous + [0x07] + previous
        }
        return bytes
    }

    /// Strict arrays each holding a reference to the previous one: nesting that grows with every value
    /// while no literal value is nested at all.
    static func chainedReferences(count: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x0A, 0, 0, 0, 0]
        for slot in 1..<count {
            bytes += [0x0A, 0, 0, 0, 1, 0x07, UInt8(truncatingIfNeeded: (slot - 1) >> 8), UInt8(truncatingIfNeeded: slot - 1)]
        }
        return bytes
    }

    @Test func amf0ReferencesCannotExpandExponentially() {
        var buffer = ByteBuffer(bytes: Self.doublingReferences(count: 40))
        #expect(buffer.readableBytes == 434)
        #expect(throws: AMF0DecodingError.referencesTooLarge) { try buffer.readAMF0Values() }
        #expect(buffer.readerIndex == 0)
    }

    @Test func amf0ReferencesCannotNestPastTheDepthLimit() throws {
        var buffer = ByteBuffer(bytes: Self.chainedReferences(count: 6000))
        #expect(throws: AMF0DecodingError.nestingTooDeep) { try buffer.readAMF0Values() }
        // Just under the limit is fine: slot k holds a value nested k deep.
        var shallow = ByteBuffer(bytes: Self.chainedReferences(count: AMF0Limits.maximumNestingDepth))
        #expect(try shallow.readAMF0Values().count == AMF0Limits.maximumNestingDepth)
    }

    @Test func amf0ReferencedValuesAreBoundedExactlyAtTheLimit() throws {
        // Slot 0 is an empty array (one value); then an array of N references to it copies in N values.
        func references(_ count: Int) -> ByteBuffer {
            var buffer = ByteBuffer(bytes: [0x0A, 0, 0, 0, 0, 0x0A])
            buffer.writeInteger(UInt32(count))
            for _ in 0..<count { buffer.writeBytes([0x07, 0x00, 0x00]) }
            return buffer
        }
        var atLimit = references(AMF0Limits.maximumReferencedValues)
        let values = try atLimit.readAMF0Values()
        guard case .strictArray(let elements) = values.last else {
            Issue.record("expected a strict array, got \(values)")
            return
        }
        #expect(elements.count == AMF0Limits.maximumReferencedValues)
        #expect(elements.allSatisfy { $0 == .strictArray([]) })
        var overLimit = references(AMF0Limits.maximumReferencedValues + 1)
        #expect(throws: AMF0DecodingError.referencesTooLarge) { try overLimit.readAMF0Values() }
    }

    /// ER AAC scalable (object type 20), 96 kHz, channel configuration 9: the writer left out layerNr, so
    /// what it wrote did not parse (the `codec` target's write+parse property).
    @Test func scalableAudioSpecificConfigSurvivesWriteAndParse() throws {
        let crash: [UInt8] = [0xA0, 0x4D, 0x12, 0x52, 0x24, 0x2F, 0x00, 0x70]
        let config = try AudioSpecificConfig(parsing: ByteBuffer(bytes: crash))
        #expect(config.objectType.rawValue == 20)
        var written = ByteBuffer()
        written.writeAudioSpecificConfig(config)
        let back = try AudioSpecificConfig(parsing: written)
        #expect(back.objectType == config.objectType)
        #expect(back.samplingFrequency == config.samplingFrequency)
        #expect(back.channelConfiguration == config.channelConfiguration)
    }

    @Test(arguments: [AudioObjectType.aacScalable, AudioObjectType(rawValue: 20)])
    func scalableConfigsWrittenFromScratchParse(_ type: AudioObjectType) throws {
        let config = AudioSpecificConfig(objectType: type, samplingFrequency: 44100, channelConfiguration: 2)
        var written = ByteBuffer()
        written.writeAudioSpecificConfig(config)
        #expect(written.readableBytes == 3)
        #expect(try AudioSpecificConfig(parsing: written) == config)
    }

    /// A High-profile SPS whose scaling list has a delta_scale of about -2^31: the sum that updates the next
    /// scale overflowed Int32 and trapped (the `codec` target, AVCSequenceParameterSet).
    @Test func avcSequenceParameterSetWithAHugeDeltaScaleThrows() {
        let crash: [UInt8] = [
            0x67, 0x64, 0x00, 0x1E, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
            0x01, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xAC, 0xD9, 0x40, 0xA0, 0x2F, 0x01,
            0x00, 0x00, 0x16, 0xF9, 0x70, 0x11, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x32,
            0x0F, 0x16, 0x27, 0x2D, 0x96,
        ]
        #expect(throws: CodecConfigurationError.self) { try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: crash)) }
    }
}
