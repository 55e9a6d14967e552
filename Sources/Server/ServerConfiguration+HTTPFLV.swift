import Config
import HTTPServer
import Ingest
import Live

extension ServerConfiguration {
    /// The HTTP-FLV mounts of the vhosts with `http_remux` on; named vhosts are matched before the default one.
    var httpFLVMounts: HTTPFLVMountTable {
        let rtmp = rtmpSettings
        let served = vhosts.values.filter { $0.enabled && $0.httpRemux.enabled }.sorted {
            ($0.name == VhostConfiguration.defaultName ? 1 : 0, $0.name) < ($1.name == VhostConfiguration.defaultName ? 1 : 0, $1.name)
        }
        return HTTPFLVMountTable(
            mounts: served.map { vhost in
                HTTPFLVMount(
                    vhost: vhost.name, mount: vhost.httpRemux.mount,
                    live: rtmp.vhost(named: vhost.name).live)
            })
    }
}
