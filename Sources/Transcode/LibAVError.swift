import CLibAV

/// A libav call that failed, with libav's own message (`av_strerror`), or a failure of Headwater's
/// use of libav (an unsupported stream, a missing codec).
public struct LibAVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libav's error code (negative), or 0 when the failure is Headwater's.
    public let code: Int32
    /// What was being done: `avcodec_open2 libx264`, `avformat_open_input samples/a.flv`…
    public let operation: String
    /// libav's message for `code`, or Headwater's explanation.
    public let message: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        self.message = Self.text(for: code)
    }

    public init(operation: String, message: String) {
        self.code = 0
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    /// libav's "Resource temporarily unavailable": send more input, or receive more output.
    public static let again: Int32 = headwater_averror_eagain()
    /// libav's "End of file".
    public static let endOfFile: Int32 = headwater_averror_eof()
    /// libav's "Immediate exit requested": an interrupt callback said stop.
    public static let exit: Int32 = headwater_averror_exit()
    public static let optionNotFound: Int32 = headwater_averror_option_not_found()

    public var isEndOfFile: Bool { code == Self.endOfFile }

    /// Returns `result` when it is not an error (>= 0), throws otherwise.
    @discardableResult
    public static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(LibAVError) -> Int32 {
        guard result < 0 else { return result }
        throw LibAVError(code: result, operation: operation())
    }

    static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard av_strerror(code, &buffer, buffer.count) == 0 else { return "libav error \(code)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
