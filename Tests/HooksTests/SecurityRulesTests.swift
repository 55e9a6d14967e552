import Config
import Testing

@Suite struct IPAddressRangeTests {
    @Test func ipv4AddressesAndBlocks() throws {
        let single = try #require(IPAddressRange("192.168.1.10"))
        #expect(single.contains("192.168.1.10"))
        #expect(!single.contains("192.168.1.11"))
        let block = try #require(IPAddressRange("10.0.0.0/8"))
        #expect(block.contains("10.255.1.2"))
        #expect(!block.contains("11.0.0.1"))
        // Host bits in the rule are ignored, as in every CIDR implementation.
        #expect(try #require(IPAddressRange("10.1.2.3/8")).contains("10.9.9.9"))
        #expect(try #require(IPAddressRange("0.0.0.0/0")).contains("8.8.8.8"))
        #expect(try #require(IPAddressRange("192.168.1.128/25")).contains("192.168.1.200"))
        #expect(!(try #require(IPAddressRange("192.168.1.128/25")).contains("192.168.1.127")))
    }

    @Test func ipv4MappedPeersMatchIPv4Rules() throws {
        let loopback = try #require(IPAddressRange("127.0.0.0/8"))
        #expect(loopback.contains("::ffff:127.0.0.1"))
        #expect(loopback.contains("127.0.0.1"))
        #expect(!loopback.contains("::1"))
        #expect(try #require(IPAddressRange("::ffff:127.0.0.1")).contains("127.0.0.1"))
    }

    @Test func ipv6AddressesAndBlocks() throws {
        #expect(try #require(IPAddressRange("::1")).contains("::1"))
        #expect(try #require(IPAddressRange("::1")).contains("0:0:0:0:0:0:0:1"))
        let linkLocal = try #require(IPAddressRange("fe80::/10"))
        #expect(linkLocal.contains("fe80::1%eth0"))
        #expect(linkLocal.contains("febf::1"))
        #expect(!linkLocal.contains("fec0::1"))
        let documentation = try #require(IPAddressRange("2001:db8::/32"))
        #expect(documentation.contains("2001:db8:ffff::1"))
        #expect(!documentation.contains("2001:db9::1"))
        #expect(!documentation.contains("32.1.13.184"))
    }

    @Test(arguments: ["", "all", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "::1/129", "host.example", "1.2.3.4/8/8", "1.2.3.4/08a"])
    func malformed(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }

    @Test func unparsablePeerNeverMatches() throws {
        #expect(!(try #require(IPAddressRange("0.0.0.0/0")).contains("not-an-ip")))
    }
}

/// SRS `SrsSecurity::do_check`: allow stage, then deny stage.
@Suite struct SecurityConfigurationTests {
    static func range(_ text: String) -> SecurityRule.Source { .range(IPAddressRange(text)!) }

    @Test func disabledAllowsEverything() {
        let security = SecurityConfiguration(enabled: false, rules: [SecurityRule(.deny, .play, .all)])
        #expect(security.denial(of: .play, ip: "127.0.0.1") == nil)
    }

    @Test func enabledWithoutRulesDeniesEverything() {
        let security = SecurityConfiguration(enabled: true)
        #expect(security.denial(of: .publish, ip: "127.0.0.1") != nil)
        #expect(security.denial(of: .play, ip: "127.0.0.1") != nil)
    }

    @Test func onlyDenyRulesAllowTheRest() {
        let security = SecurityConfiguration(enabled: true, rules: [SecurityRule(.deny, .play, Self.range("10.0.0.0/8"))])
        #expect(security.denial(of: .play, ip: "127.0.0.1") == nil)
        #expect(security.denial(of: .publish, ip: "10.1.1.1") == nil)
        #expect(security.denial(of: .play, ip: "10.1.1.1") != nil)
        #expect(security.denial(of: .play, ip: "::ffff:10.1.1.1") != nil)
    }

    @Test func anAllowRuleRefusesWhatItDoesNotName() {
        // SRS counts allow rules of either action: `allow publish` alone leaves players unallowed.
        let security = SecurityConfiguration(
            enabled: true, rules: [SecurityRule(.allow, .publish, Self.range("127.0.0.0/8"))])
        #expect(security.denial(of: .publish, ip: "127.0.0.1") == nil)
        #expect(security.denial(of: .publish, ip: "192.168.0.1") != nil)
        #expect(security.denial(of: .play, ip: "127.0.0.1") != nil)
    }

    @Test func denyWinsOverAllow() {
        let security = SecurityConfiguration(
            enabled: true,
            rules: [
                SecurityRule(.allow, .play, .all), SecurityRule(.allow, .publish, .all),
                SecurityRule(.deny, .play, Self.range("127.0.0.1")),
            ])
        let reason = security.denial(of: .play, ip: "127.0.0.1")
        #expect(reason?.contains("deny play 127.0.0.1") == true)
        #expect(security.denial(of: .play, ip: "127.0.0.2") == nil)
        #expect(security.denial(of: .publish, ip: "127.0.0.1") == nil)
    }
}
