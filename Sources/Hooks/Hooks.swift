// HTTP callbacks (SRS http_hooks): a `SessionPolicy` that asks hook servers, plus on_dvr/on_hls notices.
