#include "CMallocTuning.h"
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
#include <malloc.h>

/* glibc gives each thread an arena whose heap is reserved in 64 MiB and made writable as it fills: a
   mprotect(2) that splits or merges a mapping every few pages. On an event loop whose memory grows with its
   connections that was about three calls per RTMP join (2,841 over 1,000 bare joins), a few per cent of a
   join's CPU. The top pad is applied when an arena's heap is created: at 64 MiB the whole heap is writable
   from the start (address space, not memory; pages are still only touched as used), so it never needs
   mprotect. It has to be set before the first threads start, hence a constructor.

   The price: a heap returns free memory at its top only above the pad, so a heap keeps what it grew to
   until it is empty. Setting the pad also freezes glibc's sliding mmap threshold at 128 KiB, which would
   send every keyframe-size buffer to mmap/munmap; buffers below 4 MiB stay on the heap instead. */
static int status = 0;

__attribute__((constructor)) static void headwater_tune_malloc(void) {
    int padded = mallopt(M_TOP_PAD, 64 << 20);
    int threshold = mallopt(M_MMAP_THRESHOLD, 4 << 20);
    status = padded == 1 && threshold == 1;
}

int headwater_malloc_tuning_status(void) { return status; }
#else
int headwater_malloc_tuning_status(void) { return -1; }
#endif
