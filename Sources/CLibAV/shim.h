#ifndef HEADWATER_CLIBAV_SHIM_H
#define HEADWATER_CLIBAV_SHIM_H
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/avutil.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// Function-like macros do not reach Swift; these give their values.
static inline int headwater_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int headwater_averror_eof(void) { return AVERROR_EOF; }
static inline int headwater_averror_exit(void) { return AVERROR_EXIT; }
static inline int headwater_averror_option_not_found(void) { return AVERROR_OPTION_NOT_FOUND; }
static inline int headwater_averror_encoder_not_found(void) { return AVERROR_ENCODER_NOT_FOUND; }
static inline int64_t headwater_av_nopts_value(void) { return AV_NOPTS_VALUE; }
#endif
