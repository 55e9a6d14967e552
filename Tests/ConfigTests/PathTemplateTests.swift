import Foundation
import Testing

@testable import Config

@Suite("Path templates")
struct PathTemplateTests {
    /// 2015-01-03 10:57:30.776 UTC, SRS's documentation example moment (in its UTC form).
    private static let moment = Date(timeIntervalSince1970: 1_420_282_650.776)

    private static func values(
        app: String = "live",
        stream: String = "livestream",
        sequence: Int? = 42,
        duration: Double? = 2.5,
        date: Date = moment
    ) -> PathTemplate.Values {
        PathTemplate.Values(
            vhost: "__defaultVhost__",
            app: app,
            stream: stream,
            sequence: sequence,
            duration: duration,
            date: date
        )
    }

    /// The local calendar parts of `date`, computed here independently of `PathTemplate`, so the test holds
    /// in any time zone without changing the process's TZ (which other suites running in parallel share).
    private static func localParts(
        _ date: Date
    ) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return (
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    @Test func streamVariables() throws {
        let template = PathTemplate("[vhost]/[app]/[stream]-[seq]-[duration].ts")
        #expect(try template.expand(Self.values()) == "__defaultVhost__/live/livestream-42-2500.ts")
        #expect(template.description == "[vhost]/[app]/[stream]-[seq]-[duration].ts")
        #expect(template.text == template.description)
        // The same variable twice, and an app with a sub-folder.
        let nested = try PathTemplate("[app]/[app]-[stream]").expand(Self.values(app: "tv/news"))
        #expect(nested == "tv/news/tv/news-livestream")
    }

    @Test func timestampAndMillisecondsAreTheSameEverywhere() throws {
        let template = PathTemplate("[timestamp]-[999]")
        #expect(try template.expand(Self.values()) == "1420282650776-776")
        let later = Date(timeIntervalSince1970: 1_700_000_000.005)
        #expect(try template.expand(Self.values(date: later)) == "1700000000005-005")
        #expect(try template.expand(Self.values(date: Date(timeIntervalSince1970: 0))) == "0-000")
    }

    @Test(arguments: [
        1_420_282_650.776,  // SRS's documentation example
        1_735_689_599.999,  // the last millisecond of 2024 in UTC
        951_825_600.0,  // 2000-02-29 12:00 UTC, a leap day
        1_719_792_000.5,  // 2024-07-01 00:00 UTC, midsummer (daylight time where there is one)
    ])
    func dateParts(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let local = Self.localParts(date)
        let expected =
            "\(local.year)/\(Self.twoDigits(local.month))/\(Self.twoDigits(local.day))/"
            + "\(Self.twoDigits(local.hour)).\(Self.twoDigits(local.minute)).\(Self.twoDigits(local.second))"
        let template = PathTemplate("[2006]/[01]/[02]/[15].[04].[05]")
        #expect(try template.expand(Self.values(date: date)) == expected)
    }

    @Test func datePartsInUTCWhenTheMachineIsInUTC() throws {
        // Exact strings, for the zone CI machines run in; elsewhere `dateParts` covers the computation.
        guard TimeZone.current.secondsFromGMT(for: Self.moment) == 0 else { return }
        let template = PathTemplate("[2006]-[01]-[02]_[15].[04].[05]_[999].flv")
        #expect(try template.expand(Self.values()) == "2015-01-03_10.57.30_776.flv")
    }

    @Test func unknownAndUnfinishedVariablesStayAsWritten() throws {
        let values = Self.values()
        #expect(try PathTemplate("[x]/[App]/[stream ]/[]-[app].ts").expand(values) == "[x]/[App]/[stream ]/[]-live.ts")
        // The innermost brackets are the variable, as with SRS's plain replacement.
        #expect(try PathTemplate("[[app]]").expand(values) == "[live]")
        #expect(try PathTemplate("[a[app]/[x]y]").expand(values) == "[alive/[x]y]")
        // A bracket never closed is plain text, and nothing is written twice.
        #expect(try PathTemplate("live]/[stream").expand(values) == "live]/[stream")
        #expect(try PathTemplate("[app]/[stream").expand(values) == "live/[stream")
        #expect(try PathTemplate("no variables").expand(values) == "no variables")
        // Variables with no value in this context stay too.
        let unknown = Self.values(sequence: nil, duration: nil)
        #expect(try PathTemplate("[seq]-[duration]").expand(unknown) == "[seq]-[duration]")
    }

    static let refusedNames: [String] = [
        "..", "../etc", "a/../../b", "a/..", "/etc", "/", "a\\b", "..\\..", "a\u{0}b", "a\nb", "a\u{7F}", "",
        ".", "a/./b", "a//b", "a/",
    ]

    @Test(arguments: refusedNames)
    func clientNamesThatLeaveTheFolderAreRefused(name: String) {
        let template = PathTemplate("[app]/[stream].flv")
        let asApp = #expect(throws: PathTemplate.ExpansionError.self) {
            try template.expand(Self.values(app: name))
        }
        #expect(asApp == PathTemplate.ExpansionError(variable: "app", value: name))
        let asStream = #expect(throws: PathTemplate.ExpansionError.self) {
            try template.expand(Self.values(stream: name))
        }
        #expect(asStream?.variable == "stream")
        #expect(asStream?.description == "the stream '\(name)' cannot be used in a file path")
    }

    @Test func namesAreCheckedEvenWhenTheTemplateDoesNotUseThem() {
        // A refused name never reaches any file, whatever the template.
        #expect(throws: PathTemplate.ExpansionError.self) {
            try PathTemplate("fixed.flv").expand(Self.values(stream: "../x"))
        }
    }

    @Test func dotsInsideANameAreFine() throws {
        #expect(try PathTemplate("[stream].flv").expand(Self.values(stream: "a..b")) == "a..b.flv")
        #expect(try PathTemplate("[stream].flv").expand(Self.values(stream: ".hidden")) == ".hidden.flv")
    }
}
