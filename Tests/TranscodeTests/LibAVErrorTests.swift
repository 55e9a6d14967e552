import CLibAV
import Testing

@testable import Transcode

@Suite struct LibAVErrorTests {
    @Test func carriesLibAVsMessage() {
        let error = LibAVError(code: LibAVError.endOfFile, operation: "av_read_frame")
        #expect(error.isEndOfFile)
        #expect(error.description == "av_read_frame: End of file")
    }

    @Test func checkPassesNonNegativeResults() throws {
        #expect(try LibAVError.check(3, "anything") == 3)
        #expect(throws: LibAVError.self) { try LibAVError.check(LibAVError.again, "avcodec_receive_packet") }
    }
}
