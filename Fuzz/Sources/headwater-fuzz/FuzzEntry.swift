import CLibFuzzer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SwiftPM gives every executable a `main`, so libFuzzer's own is not linked: this one hands over to its
/// driver, which parses the usual libFuzzer flags (`-max_total_time=`, corpus folders, `-artifact_prefix=`).
@main
struct HeadwaterFuzz {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, headwaterFuzzOneInput))
    }
}

/// libFuzzer's entry point: runs the target named by `HEADWATER_FUZZ_TARGET` on one input.
///
/// A property violation calls `fuzzCheck`, which traps: libFuzzer records it as a crash with its input.
@_cdecl("LLVMFuzzerTestOneInput")
func headwaterFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    selectedTarget.run(bytes)
    return 0
}

/// The target chosen once per process.
let selectedTarget: FuzzTarget = {
    let name = getenv("HEADWATER_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let list = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        print("headwater-fuzz: set HEADWATER_FUZZ_TARGET to one of: \(list)")
        // _exit: the leak checker would otherwise report the half-built process state.
        fflush(nil)
        _exit(2)
    }
    return target
}()

/// Traps with a message when a fuzzing property does not hold (a crash for libFuzzer, not a test failure).
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fatalError("fuzz property violated: \(message())")
    }
}
