/// The built-in default configuration.
extension ServerConfiguration {
    /// The text of `conf/headwater.conf`, used when the server runs with no `-c` and no `conf/` directory.
    /// A test keeps the two identical.
    public static let builtInDefaultText: String = #"""
        # Headwater default configuration.
        #
        # The syntax is SRS's (and nginx's): `directive arguments;` and `name arguments { ... }` blocks,
        # `#` comments, "quoted" or 'quoted' arguments, and `include other.conf;` (relative to this file's
        # directory, or, as in SRS, to the working directory when only that path exists).
        # Directive names and defaults follow SRS, so an SRS config works here: directives Headwater does not
        # implement are reported once each, with file:line, and ignored. Check a file with `headwater -t -c FILE`.

        # RTMP listen addresses: `port`, `address:port` or `[ipv6]:port`, one or more (default 1935).
        listen 1935;
        # Connections beyond this are refused (default 1000).
        max_connections 1000;
        # The RTMP chunk size the server sends with, 128 to 65536 (default 60000). A vhost may override it.
        chunk_size 60000;
        # The process id file (default ./objs/headwater.pid).
        pid ./objs/headwater.pid;
        # Where logs go: console or file (default console; SRS defaults to file).
        srs_log_tank console;
        # SRS log level names: verbose, info, trace, warn, error. SRS's "trace" is the normal level, and
        # Headwater's info (default trace). `srs_log_level_v2 trace|debug|info|warn|error;` overrides it.
        srs_log_level trace;
        # The log file, used when srs_log_tank is file (default ./objs/headwater.log).
        srs_log_file ./objs/headwater.log;
        # Headwater's own: the largest RTMP message a peer may send, in bytes (default 8388608, 8 MiB).
        rtmp_max_message_size 8388608;
        # Headwater's own: seconds a client has to complete the RTMP handshake, and again to start
        # publishing or playing after it (default 10). Idle connections cannot hold a slot.
        handshake_timeout 10;

        # HTTP server for HLS, DVR files and HTTP-FLV: not implemented yet.
        # http_server {
        #     enabled on;
        #     listen 8080;
        #     dir ./objs/nginx/html;
        # }

        # The vhost used when a client names none or an unknown one (for example an IP address).
        vhost __defaultVhost__ {
            # Whether clients may use this vhost (default on).
            enabled on;
            # Whether sockets set TCP_NODELAY (default off).
            tcp_nodelay off;
            # Whether latency is preferred over throughput (default off).
            min_latency off;
            # Override of the global chunk_size for this vhost (default: the global one).
            # chunk_size 60000;

            play {
                # Keep the last GOP so new players start at once (default on).
                gop_cache on;
                # The most messages, audio and video together, the GOP cache holds (default 2500).
                gop_cache_max_frames 2500;
                # Seconds of media a player may lag before it skips to the next keyframe (default 30).
                queue_length 30;
                # Timestamp correction: full (start at 0, keep monotonic), zero (start at 0), off (default full).
                time_jitter full;
            }

            publish {
                # Milliseconds a publisher has to send its first media packet (default 20000).
                firstpkt_timeout 20000;
                # Milliseconds a publishing stream may then stay silent (default 5000).
                normal_timeout 5000;
            }

            # HLS output: not implemented yet.
            # hls {
            #     enabled on;
            #     hls_fragment 10;
            #     hls_window 60;
            #     hls_path ./objs/nginx/html;
            # }

            # DVR recording to FLV: not implemented yet.
            # dvr {
            #     enabled on;
            #     dvr_plan session;
            #     dvr_path ./objs/nginx/html/[app]/[stream].[timestamp].flv;
            # }
        }

        """#
}
