import NIOCore
import Testing

@testable import Media

@Suite("AAC AudioSpecificConfig and ADTS headers")
struct AudioSpecificConfigTests {
    static func parse(_ bytes: [UInt8]) throws -> AudioSpecificConfig {
        try AudioSpecificConfig(parsing: ByteBuffer(bytes: bytes))
    }

    static func encode(_ config: AudioSpecificConfig) -> [UInt8] {
        var buffer = ByteBuffer()
        let written = buffer.writeAudioSpecificConfig(config)
        #expect(written == buffer.readableBytes)
        return Array(buffer.readableBytesView)
    }

    @Test func ffmpegConfigWithSyncExtension() throws {
        // ffmpeg's native encoder signals "no SBR" through the backward-compatible sync extension.
        let config = try Self.parse([0x12, 0x10, 0x56, 0xE5, 0x00])
        #expect(config.objectType == .aacLC)
        #expect(config.samplingFrequencyIndex == 4 && config.samplingFrequency == 44100)
        #expect(config.channelConfiguration == 2 && config.channelCount == 2)
        #expect(!config.sbrPresent && !config.psPresent && config.extensionSamplingFrequency == nil)
        #expect(config.samplesPerFrame == 1024)
        #expect(Self.encode(config) == [0x12, 0x10])
    }

    @Test func plainLowComplexity() throws {
        let config = try Self.parse([0x13, 0x88])
        #expect(config == AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 22050, channelConfiguration: 1))
        #expect(Self.encode(config) == [0x13, 0x88])
    }

    @Test func explicitHierarchicalHEAAC() throws {
        let v1 = try Self.parse([0x2B, 0x11, 0x88, 0x00])
        #expect(v1.objectType == .aacLC && v1.samplingFrequency == 24000 && v1.channelConfiguration == 2)
        #expect(v1.sbrPresent && !v1.psPresent && v1.extensionSamplingFrequency == 48000)
        #expect(Self.encode(v1) == [0x2B, 0x11, 0x88, 0x00])
        let v2 = try Self.parse([0xEB, 0x09, 0x88, 0x00])
        #expect(v2.objectType == .aacLC && v2.channelConfiguration == 1)
        #expect(v2.sbrPresent && v2.psPresent && v2.extensionSamplingFrequency == 48000)
        #expect(Self.encode(v2) == [0xEB, 0x09, 0x88, 0x00])
    }

    @Test func backwardCompatibleSBRAndPS() throws {
        var bits = BitWriter()
        bits.write(2, bits: 5)  // AAC LC
        bits.write(6, bits: 4)  // 24000
        bits.write(1, bits: 4)  // mono
        bits.write(0, bits: 3)  // GASpecificConfig
        bits.write(0x2B7, bits: 11)
        bits.write(5, bits: 5)
        bits.write(1, bits: 1)  // sbrPresentFlag
        bits.write(3, bits: 4)  // 48000
        bits.write(0x548, bits: 11)
        bits.write(1, bits: 1)  // psPresentFlag
        let config = try Self.parse(bits.bytes)
        #expect(config.objectType == .aacLC && config.samplingFrequency == 24000)
        #expect(config.sbrPresent && config.psPresent && config.extensionSamplingFrequency == 48000)
    }

    @Test func escapedObjectTypeAndExplicitFrequencyRoundTrip() throws {
        let usac = AudioSpecificConfig(objectType: AudioObjectType(rawValue: 42), samplingFrequency: 48000,
                                       channelConfiguration: 2)
        let usacBytes = Self.encode(usac)
        #expect(usacBytes.first.map { $0 >> 3 } == 31)
        #expect(try Self.parse(usacBytes) == usac)

        let odd = AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 50000, channelConfiguration: 1,
                                      frameLengthFlag: true)
        #expect(odd.samplingFrequencyIndex == 15)
        let oddParsed = try Self.parse(Self.encode(odd))
        #expect(oddParsed == odd)
        #expect(oddParsed.samplesPerFrame == 960)
    }

    @Test func malformedConfigsThrow() {
        #expect(throws: CodecConfigurationError.invalidValue) { try Self.parse([0x16, 0x90]) }  // index 13
        #expect(throws: CodecConfigurationError.truncated) { try Self.parse([0x12]) }
        #expect(throws: CodecConfigurationError.truncated) { try Self.parse([]) }
        #expect(throws: CodecConfigurationError.truncated) { try Self.parse([0x17, 0x80, 0x00]) }  // explicit, cut
    }

    @Test func channelCounts() {
        func count(_ configuration: UInt8) -> Int? {
            AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 48000, channelConfiguration: configuration)
                .channelCount
        }
        #expect(count(0) == nil && count(1) == 1 && count(6) == 6 && count(7) == 8)
    }

    @Test func adtsHeaderMatchesFFmpeg() throws {
        // First header of `ffmpeg -f lavfi -i sine=sample_rate=48000 -ac 2 -c:a aac -f adts`.
        let config = AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 48000, channelConfiguration: 2)
        var buffer = ByteBuffer()
        #expect(try buffer.writeADTSHeader(config, frameLength: 288) == 7)
        #expect(Array(buffer.readableBytesView) == [0xFF, 0xF1, 0x4C, 0x80, 0x24, 0xFF, 0xFC])
    }

    @Test func adtsHeaderDescribesHEAACByItsCore() throws {
        let heAAC = try Self.parse([0x2B, 0x11, 0x88, 0x00])
        var buffer = ByteBuffer()
        try buffer.writeADTSHeader(heAAC, frameLength: 100)
        let bytes = Array(buffer.readableBytesView)
        #expect(bytes[2] >> 6 == 1)  // profile: AAC LC
        #expect(bytes[2] >> 2 & 0x0F == 6)  // 24000 Hz
        let frameLength = (Int(bytes[3]) & 0x03) << 11 | Int(bytes[4]) << 3 | Int(bytes[5]) >> 5
        #expect(frameLength == 107)
    }

    @Test func adtsRejectsWhatItCannotDescribe() throws {
        var buffer = ByteBuffer()
        let usac = AudioSpecificConfig(objectType: AudioObjectType(rawValue: 42), samplingFrequency: 48000,
                                       channelConfiguration: 2)
        #expect(throws: CodecConfigurationError.unsupported) { try buffer.writeADTSHeader(usac, frameLength: 10) }
        let odd = AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 50000, channelConfiguration: 2)
        #expect(throws: CodecConfigurationError.unsupported) { try buffer.writeADTSHeader(odd, frameLength: 10) }
        let lc = AudioSpecificConfig(objectType: .aacLC, samplingFrequency: 44100, channelConfiguration: 2)
        #expect(throws: CodecConfigurationError.unsupported) { try buffer.writeADTSHeader(lc, frameLength: 8185) }
        #expect(try buffer.writeADTSHeader(lc, frameLength: 8184) == 7)
    }
}
