/// The `http_hooks { }` block of a vhost (SRS `vhost { http_hooks { } }`).
extension ConfigDecoder {
    private static let hookSchemes = ["http://", "https://"]

    mutating func httpHooks(_ directive: ConfigDirective) throws(ConfigError) -> HTTPHooksConfiguration {
        var hooks = HTTPHooksConfiguration()
        let block = try self.screen(directive.children, in: .httpHooks)
        if let setting = block.first(DirectiveName.enabled) {
            hooks.enabled = try Self.boolean(setting)
        }
        for hook in HTTPHooksConfiguration.Hook.allCases {
            guard let setting = block.first(hook.rawValue) else { continue }
            var urls: [String] = []
            for url in setting.args {
                // Only configured URLs are ever requested; user input goes in the JSON body, never the URL.
                guard Self.hookSchemes.contains(where: { url.lowercased().hasPrefix($0) }), url.count > 8 else {
                    throw ConfigError(
                        .invalidValue,
                        at: setting.location,
                        "invalid URL '\(url)' for '\(setting.name)': expected http:// or https://"
                    )
                }
                urls.append(url)
            }
            hooks.urls[hook] = urls
        }
        if let setting = block.first(DirectiveName.hookTimeout) {
            hooks.timeout = try Self.seconds(setting, in: HTTPHooksConfiguration.timeoutRange)
        }
        if let setting = block.first(DirectiveName.hookOnFailure) {
            hooks.onFailure = try Self.choice(setting)
        }
        return hooks
    }
}
