extension WebPage {
    /// The page's script. It reads its settings from `<body data-…>`, polls the API and keeps one
    /// card per live stream, updating text in place so a playing video is never rebuilt.
    /// Data reaches the DOM only through `textContent`, `href` and `src` (no `innerHTML`).
    static let script = #"""
        "use strict";
        (function () {
          var body = document.body;
          var settings = {
            api: chooseAPI(body.dataset.api || "/api/v1/streams"),
            rtmpPort: body.dataset.rtmpPort || "1935",
            flv: body.dataset.flv || "/[app]/[stream].flv",
            hls: body.dataset.hls || "/[app]/[stream].m3u8",
            refresh: Math.max(1000, parseInt(body.dataset.refresh, 10) || 3000)
          };
          var list = document.getElementById("streams");
          var status = document.getElementById("status");
          var empty = document.getElementById("empty");
          var cards = new Map();
          var probe = document.createElement("video");
          var nativeHLS = !!(probe.canPlayType && probe.canPlayType("application/vnd.apple.mpegurl"));

          // ?api=/path reads the list elsewhere on this server (tests, proxies); never another origin.
          function chooseAPI(fallback) {
            var asked = new URLSearchParams(window.location.search).get("api");
            if (asked && asked.charAt(0) === "/") {
              // Resolved the way fetch will resolve it (which drops tabs and newlines), then compared.
              try {
                var url = new URL(asked, window.location.origin);
                if (url.origin === window.location.origin) { return url.pathname + url.search; }
              } catch (error) {}
            }
            return fallback;
          }

          function host() {
            var name = window.location.hostname || "127.0.0.1";
            return name.indexOf(":") >= 0 && name.charAt(0) !== "[" ? "[" + name + "]" : name;
          }

          function fill(template, stream) {
            return template.split("[app]").join(encodeURIComponent(stream.app))
              .split("[stream]").join(encodeURIComponent(stream.name));
          }

          function urlsOf(stream) {
            var origin = window.location.origin;
            return {
              rtmp: "rtmp://" + host() + ":" + settings.rtmpPort + "/" + encodeURIComponent(stream.app) + "/" +
                encodeURIComponent(stream.name),
              flv: origin + fill(settings.flv, stream),
              hls: origin + fill(settings.hls, stream)
            };
          }

          function text(tag, className, value) {
            var node = document.createElement(tag);
            if (className) { node.className = className; }
            if (value !== undefined) { node.textContent = value; }
            return node;
          }

          function describe(stream) {
            var parts = [stream.app + "/" + stream.name];
            var video = stream.video, audio = stream.audio;
            if (video && video.codec) {
              parts.push(video.codec + (video.width && video.height ? " " + video.width + "×" + video.height : ""));
            }
            if (audio && audio.codec) { parts.push(audio.codec); }
            if (typeof stream.clients === "number") {
              parts.push(stream.clients + (stream.clients === 1 ? " client" : " clients"));
            }
            if (stream.kbps && typeof stream.kbps.recv_30s === "number") { parts.push(stream.kbps.recv_30s + " kbps"); }
            return parts.join(" · ");
          }

          function makeCard(stream, urls) {
            var card = text("article", "stream");
            card.appendChild(text("h2", "name", stream.name));
            card.appendChild(text("p", "meta"));
            var player = text("div", "player");
            if (nativeHLS) {
              var video = document.createElement("video");
              video.controls = true;
              video.muted = true;
              video.playsInline = true;
              video.preload = "none";
              video.src = urls.hls;
              video.setAttribute("aria-label", "HLS player");
              player.appendChild(video);
            } else {
              player.appendChild(text("p", "note",
                "This browser cannot play HLS by itself. Open the HLS or HTTP-FLV URL below in an " +
                "HLS-capable player such as VLC, mpv or ffplay, or in Safari."));
            }
            card.appendChild(player);
            var urlList = text("dl", "urls");
            [["RTMP", "rtmp"], ["HTTP-FLV", "flv"], ["HLS", "hls"]].forEach(function (entry) {
              urlList.appendChild(text("dt", "", entry[0]));
              var value = text("dd", "url-" + entry[1]);
              if (entry[1] === "rtmp") {
                value.appendChild(text("code"));
              } else {
                value.appendChild(text("a"));
              }
              urlList.appendChild(value);
            });
            card.appendChild(urlList);
            return card;
          }

          function update(card, stream, urls) {
            card.querySelector(".name").textContent = stream.name;
            card.querySelector(".meta").textContent = describe(stream);
            card.querySelector(".url-rtmp code").textContent = urls.rtmp;
            ["flv", "hls"].forEach(function (kind) {
              var link = card.querySelector(".url-" + kind + " a");
              link.href = urls[kind];
              link.textContent = urls[kind];
            });
          }

          function isLive(stream) {
            return stream && typeof stream.name === "string" && typeof stream.app === "string" &&
              !(stream.publish && stream.publish.active === false);
          }

          function show(streams) {
            var seen = new Set();
            streams.filter(isLive).forEach(function (stream) {
              var key = String(stream.id || (stream.vhost + "/" + stream.app + "/" + stream.name));
              var urls = urlsOf(stream);
              var card = cards.get(key);
              if (!card) {
                card = makeCard(stream, urls);
                cards.set(key, card);
              }
              update(card, stream, urls);
              list.appendChild(card);
              seen.add(key);
            });
            cards.forEach(function (card, key) {
              if (!seen.has(key)) { card.remove(); cards.delete(key); }
            });
            empty.hidden = seen.size > 0;
            status.className = "";
            status.textContent = (seen.size === 1 ? "1 live stream" : seen.size + " live streams") +
              " · updated " + new Date().toLocaleTimeString();
          }

          function refresh() {
            fetch(settings.api, { cache: "no-store", headers: { "Accept": "application/json" } })
              .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
              })
              .then(function (answer) { show(Array.isArray(answer && answer.streams) ? answer.streams : []); })
              .catch(function (error) {
                status.className = "error";
                status.textContent = "Cannot load " + settings.api + ": " + error.message;
              })
              .then(function () { window.setTimeout(refresh, settings.refresh); });
          }

          document.getElementById("publish-example").textContent =
            "ffmpeg -re -i input.mp4 -c:v libx264 -c:a aac -f flv rtmp://" + host() + ":" + settings.rtmpPort +
            "/live/livestream";
          refresh();
        })();
        """#
}
