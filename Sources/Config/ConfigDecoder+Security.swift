/// The `security { }` block of a vhost (SRS `vhost { security { } }`).
extension ConfigDecoder {
    private static let allSources = "all"

    mutating func security(_ directive: ConfigDirective) throws(ConfigError) -> SecurityConfiguration {
        var security = SecurityConfiguration()
        let block = try self.screen(directive.children, in: .security)
        if let setting = block.first(DirectiveName.enabled) {
            security.enabled = try Self.boolean(setting)
        }
        // The decision does not depend on rule order (see SecurityConfiguration), only on the rules.
        for rule in block.all(DirectiveName.allow) + block.all(DirectiveName.deny) {
            security.rules.append(try Self.securityRule(rule))
        }
        return security
    }

    private static func securityRule(_ directive: ConfigDirective) throws(ConfigError) -> SecurityRule {
        guard let verdict = SecurityRule.Verdict(rawValue: directive.name) else {
            throw Self.invalid(directive, "expected allow or deny")
        }
        guard let action = SecurityRule.Action(rawValue: directive.args[0]) else {
            throw Self.invalid(directive, "expected publish or play")
        }
        let source = directive.args[1]
        if source == Self.allSources {
            return SecurityRule(verdict, action, .all)
        }
        guard let range = IPAddressRange(source) else {
            throw ConfigError(
                .invalidValue,
                at: directive.location,
                "invalid address '\(source)' for '\(directive.name) \(action.rawValue)': expected all, an IP or a CIDR block"
            )
        }
        return SecurityRule(verdict, action, .range(range))
    }
}
