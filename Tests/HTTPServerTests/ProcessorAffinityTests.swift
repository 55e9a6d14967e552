import NIOCore
@testable import HTTPServer
import Testing

/// The usable CPUs, from the `Cpus_allowed:` mask of /proc/PID/status.
@Suite struct ProcessorAffinityTests {
    @Test(arguments: [
        ("Name:\theadwater\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n", 1),
        ("Cpus_allowed:\t3\n", 2),
        ("Cpus_allowed:\tf0\n", 4),
        // A machine with more than 32 CPUs prints the mask in comma-separated words.
        ("Cpus_allowed:\tffffffff,ffffffff\n", 64),
        ("Cpus_allowed:\t00000000,00000101\n", 2),
    ])
    func countsTheBitsOfTheMask(status: String, expected: Int) {
        #expect(ProcessorAffinity.allowedCount(status: status) == expected)
    }

    @Test(arguments: ["", "Cpus_allowed_list:\t0-1\n", "Cpus_allowed:\t0\n", "Cpus_allowed:\tzz\n"])
    func noUsableMaskIsNil(status: String) {
        #expect(ProcessorAffinity.allowedCount(status: status) == nil)
    }

    @Test func thisProcessHasAtLeastOneCoreAndNoMoreThanOnline() {
        let count = ProcessorAffinity.usableCoreCount
        #expect(count >= 1)
        #expect(count <= System.coreCount)
    }
}
