#ifndef HEADWATER_CMALLOCTUNING_H
#define HEADWATER_CMALLOCTUNING_H
/* Whether the allocator tuning that runs before main took effect: 1 when glibc accepted every setting,
   0 when it refused one, -1 where there is nothing to tune (not glibc). */
int headwater_malloc_tuning_status(void);
#endif
