/// A vhost's access rules: SRS's `security { enabled; allow|deny publish|play all|IP|CIDR; }`.
///
/// The decision follows SRS `SrsSecurity::do_check` (srs_app_security.cpp) exactly:
/// 1. Disabled: everything is allowed.
/// 2. Enabled with no rules: everything is denied.
/// 3. Allow stage: a client passes if an `allow` rule for its action matches its address. If none
///    matches it is denied when the block has any `allow` rule at all (of either action), and passes
///    when it has only `deny` rules. (So `allow publish …;` alone refuses every player.)
/// 4. Deny stage: a `deny` rule for its action that matches refuses it, whatever allowed it before.
///
/// A rule matches `all`, the exact address, or an address in a CIDR block. Unlike SRS (exact IPv4
/// strings and IPv4 CIDR only), addresses are compared as values, IPv6 blocks work, and an
/// IPv4-mapped IPv6 peer (`::ffff:127.0.0.1`) matches its IPv4 rules.
public struct SecurityConfiguration: Sendable, Hashable {
    /// Whether the rules apply (SRS `enabled`, default off).
    public var enabled = false
    /// The rules in file order.
    public var rules: [SecurityRule] = []

    /// Creates SRS's default: disabled, no rules.
    public init(enabled: Bool = false, rules: [SecurityRule] = []) {
        self.enabled = enabled
        self.rules = rules
    }

    /// Decides whether a client at `ip` may `action`.
    /// - Returns: `nil` when allowed, else the reason for the refusal.
    public func denial(of action: SecurityRule.Action, ip: String) -> String? {
        guard enabled else { return nil }
        guard !rules.isEmpty else { return "no security rules: denied by default" }
        let allowRules = rules.filter { $0.verdict == .allow }
        let allowed = allowRules.contains { $0.action == action && $0.matches(ip) }
        if !allowed && !allowRules.isEmpty {
            return "\(action.rawValue) from \(ip) not allowed by any of \(allowRules.count) allow rule(s)"
        }
        if let rule = rules.first(where: { $0.verdict == .deny && $0.action == action && $0.matches(ip) }) {
            return "\(action.rawValue) from \(ip) denied by rule 'deny \(action.rawValue) \(rule.source)'"
        }
        return nil
    }
}

/// One `allow|deny publish|play all|IP|CIDR;` line.
public struct SecurityRule: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        case allow
        case deny
    }

    public enum Action: String, Sendable, Hashable, CaseIterable {
        case publish
        case play
    }

    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case all
        case range(IPAddressRange)

        public var description: String {
            switch self {
            case .all: return "all"
            case .range(let range): return range.description
            }
        }
    }

    public var verdict: Verdict
    public var action: Action
    public var source: Source

    public init(_ verdict: Verdict, _ action: Action, _ source: Source) {
        self.verdict = verdict
        self.action = action
        self.source = source
    }

    /// Whether the rule names the peer `ip`.
    public func matches(_ ip: String) -> Bool {
        switch source {
        case .all: return true
        case .range(let range): return range.contains(ip)
        }
    }
}
