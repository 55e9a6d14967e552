import CMallocTuning
import Testing

/// The allocator tuning the server runs before main (`malloc_tuning.c`) also runs in this test process.
@Suite("glibc allocator tuning")
struct MallocTuningTests {
    @Test("glibc accepts the top pad and the mmap threshold before main")
    func accepted() {
        #if canImport(Glibc)
        #expect(headwater_malloc_tuning_status() == 1)
        #else
        #expect(headwater_malloc_tuning_status() == -1)
        #endif
    }
}
