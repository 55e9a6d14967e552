// libFuzzer's driver, for an executable that has its own main (SwiftPM gives every executable one).
// Provided by the -sanitize=fuzzer runtime (compiler-rt's FuzzerDriver.cpp).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
