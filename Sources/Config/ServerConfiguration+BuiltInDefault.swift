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
        # Headwater's own: the most TCP connections, RTMP and HTTP together, one address may hold
        # (default 0: no bound but max_connections, since one address may be a NAT, an edge or a CDN).
        # Beyond it a connection is closed at accept.
        max_connections_per_ip 0;
        # Headwater's own: the most chunk stream ids one RTMP connection may use (default 64; encoders use
        # about six). More closes the connection.
        rtmp_max_chunk_streams 64;
        # Headwater's own: the most bytes the unfinished messages of one RTMP connection may declare
        # together (default 16777216, 16 MiB; at least rtmp_max_message_size). More closes the connection.
        rtmp_max_pending_bytes 16777216;
        # Headwater's own: the largest HTTP request head, request line and header fields, in bytes
        # (default 32768). A larger one is answered 431 and the connection closed.
        http_max_header_size 32768;
        # Headwater's own: HTTP requests per second one address may make, with a burst of twice that
        # (default 0: no bound). Beyond it the answer is 429 and the connection is closed.
        http_max_requests_per_ip 0;
        # Headwater's own: HTTP callbacks unanswered at once, deciding ones (on_connect, on_publish,
        # on_play) and notifications each (default 256). Beyond it a deciding hook counts as failed
        # (on_failure) and a notification is dropped.
        http_hooks_max_pending 256;
        # Headwater's own: bytes of one stream's HLS segments, and of one DVR recording, that may wait
        # for the disk (default 33554432, 32 MiB each; read at start). Beyond it HLS fails as on a write
        # error (hls_on_error) and DVR drops media until the next keyframe.
        hls_max_backlog_bytes 33554432;
        dvr_max_backlog_bytes 33554432;
        # Every limit hit is counted in headwater_limit_hits_total{limit="<directive>"} and logged at most
        # once a second per limit, with the number of hits since the last line.

        # The HTTP server for HLS playlists and segments and DVR files.
        http_server {
            # Whether the HTTP server runs (default off; this file turns it on).
            enabled on;
            # Where it listens: `port`, `address:port` or `[ipv6]:port`, one entry (default 8080).
            listen 8080;
            # The folder served at `/`; keep hls_path and dvr_path under it (default ./objs/nginx/html).
            dir ./objs/nginx/html;
            # Whether CORS headers are sent, so web players on other sites can fetch (default on).
            crossdomain on;
        }

        # The HTTP API (SRS's JSON API: /api/v1/versions, summaries, vhosts, streams, clients).
        http_api {
            # Whether the API is served (default off; this file turns it on).
            enabled on;
            # Where it listens; the same address as http_server's shares that port (default 1985).
            listen 8080;
            # Whether CORS headers are sent on API answers (default on).
            crossdomain on;
            # HTTP Basic authentication of every /api/ request (default off).
            auth {
                enabled off;
                # username admin;
                # password change-me;
            }
        }

        # The vhost used when a client names none or an unknown one (for example an IP address).
        vhost __defaultVhost__ {
            # Whether clients may use this vhost (default on).
            enabled on;
            # Whether sockets set TCP_NODELAY (default off).
            tcp_nodelay off;
            # Whether latency is preferred over throughput: on turns merged writes off (default off).
            min_latency off;
            # Override of the global chunk_size for this vhost (default: the global one).
            # chunk_size 60000;

            play {
                # Keep the last GOP so new players start at once (default on).
                gop_cache on;
                # The most messages, audio and video together, the GOP cache holds (default 2500).
                gop_cache_max_frames 2500;
                # Headwater's own: the most media bytes the GOP cache holds (default 67108864, 64 MiB;
                # 1 MiB to 1 GiB). A GOP over it is not cached; new players wait for the next keyframe.
                gop_cache_max_bytes 67108864;
                # Seconds of media a player may lag before it skips to the next keyframe (default 30).
                queue_length 30;
                # Timestamp correction: full (start at 0, keep monotonic), zero (start at 0), off (default full).
                time_jitter full;
                # Merged writes: flush each player once per this many milliseconds of media, 0 after every
                # message batch; fewer system calls, up to that much more latency (default 350).
                mw_latency 350;
                # The fewest messages per merged write (default 8).
                mw_msgs 8;
            }

            publish {
                # Milliseconds a publisher has to send its first media packet (default 20000).
                firstpkt_timeout 20000;
                # Milliseconds a publishing stream may then stay silent (default 5000).
                normal_timeout 5000;
            }

            # HLS: each published stream is also written as an .m3u8 playlist and .ts segments.
            hls {
                # Whether published streams are written as HLS (default off; this file turns it on).
                enabled on;
                # Seconds per segment, decimals allowed; a segment is cut at the first keyframe after it (default 10).
                hls_fragment 10;
                # EXT-X-TARGETDURATION starts at hls_fragment times this ratio, 1 to 10 (default 1.0).
                hls_td_ratio 1.0;
                # Audio-only streams are cut after hls_fragment times this ratio, 1 to 10 (default 2.1).
                hls_aof_ratio 2.1;
                # Seconds of media the live playlist lists, at least hls_fragment (default 60).
                hls_window 60;
                # When writing fails: ignore (stop HLS), disconnect (the publisher) or continue (default continue).
                hls_on_error continue;
                # The folder playlists and segments are written under (default ./objs/nginx/html).
                hls_path ./objs/nginx/html;
                # The playlist path under hls_path; [vhost] [app] [stream] are replaced (default [app]/[stream].m3u8).
                hls_m3u8_file [app]/[stream].m3u8;
                # The segment path under hls_path; also [seq] [timestamp] [duration] and the date parts [2006] [01]
                # [02] [15] [04] [05] [999], in local time (default [app]/[stream]-[seq].ts).
                hls_ts_file [app]/[stream]-[seq].ts;
                # Prepended to each segment URI in the playlist, for example a CDN address (default none).
                # hls_entry_prefix http://cdn.example.com/;
                # The audio codec assumed until the stream says: aac, mp3, or an for no audio (default aac).
                hls_acodec aac;
                # The video codec assumed until the stream says: h264, h265, or vn for audio only (default h264).
                hls_vcodec h264;
                # Whether segments that leave the window are deleted (default on).
                hls_cleanup on;
                # Seconds after the publisher leaves before the stream's files are removed; 0 keeps them (default 120).
                hls_dispose 120;
                # Whether a segment is only cut on a keyframe (default on).
                hls_wait_keyframe on;
            }

            # DVR: each published stream is also recorded to FLV files.
            dvr {
                # Whether streams are recorded (default off; this file turns it on).
                enabled on;
                # Which streams: all, or one or more app/stream names (default all).
                dvr_apply all;
                # session: one file per publish; segment: a new file every dvr_duration (default session).
                dvr_plan session;
                # The file; the variables of hls_ts_file but [seq] and [duration]; a path without a .flv name gets
                # [stream].[timestamp].flv (default ./objs/nginx/html/[app]/[stream].[timestamp].flv).
                dvr_path ./objs/nginx/html/[app]/[stream].[timestamp].flv;
                # Seconds per file under the segment plan, decimals allowed (default 30).
                dvr_duration 30;
                # Whether a segment file is only cut on a keyframe (default on).
                dvr_wait_keyframe on;
                # Timestamps in the files: full (start at 0, keep monotonic), zero (start at 0), off (default full).
                time_jitter full;
            }

            # HTTP-FLV: players GET the mount's path on the HTTP server and receive the live stream as FLV.
            http_remux {
                # Whether streams are served as HTTP-FLV (default off; this file turns it on).
                enabled on;
                # The URL path, with [vhost] [app] [stream]; only .flv mounts. For the default vhost the leading
                # [vhost]/ is dropped, so /live/livestream.flv plays live/livestream (default [vhost]/[app]/[stream].flv).
                mount [vhost]/[app]/[stream].flv;
            }
        }

        """#
}
