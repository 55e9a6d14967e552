import Remux
import Testing

@Suite struct TSStreamTypeTests {
    @Test func valuesFollowTheSystemsSpec() {
        #expect(TSStreamType.h264.rawValue == 0x1B)
        #expect(TSStreamType.h265.rawValue == 0x24)
        #expect(TSStreamType.aacADTS.rawValue == 0x0F)
    }
}
