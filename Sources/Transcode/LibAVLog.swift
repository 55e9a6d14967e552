import CLibAV

/// libav's own log goes to the server's stderr; at its default level it prints encoder banners and
/// per-stream notes there. Headwater reports libav failures itself (``LibAVError``), so only libav's
/// errors are kept.
public enum LibAVLog {
    public static func keepErrorsOnly() {
        av_log_set_level(AV_LOG_ERROR)
    }
}
