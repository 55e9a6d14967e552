/// HTTP-date (RFC 9110 §5.6.7) to and from seconds since 1970, without Foundation or the C library's locale.
enum HTTPDate {
    /// Formats a time as IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    /// - Parameter secondsSince1970: Whole seconds since 1970-01-01T00:00:00Z.
    /// - Returns: The IMF-fixdate text.
    static func format(secondsSince1970 seconds: Int) -> String {
        let (days, secondOfDay) = floorDivision(seconds, secondsPerDay)
        let (year, month, day) = civilDate(fromDays: days)
        let weekday = weekdayNames[floorDivision(days + thursday, 7).remainder]
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        return "\(weekday), \(twoDigits(day)) \(monthNames[month - 1]) \(fourDigits(year)) "
            + "\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second)) GMT"
    }

    /// Parses any of the three HTTP-date forms a recipient must accept.
    ///
    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`). Weekday names are not checked. A two-digit RFC 850 year below 70 is taken as
    /// 20xx, otherwise 19xx.
    /// - Parameter text: The field value.
    /// - Returns: Seconds since 1970, or `nil` when the text is not an HTTP-date.
    static func parse(_ text: String) -> Int? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        let day: Substring
        let month: Substring
        let year: Int?
        let time: Substring
        switch fields.count {
        case 6 where fields[0].hasSuffix(",") && fields[5] == "GMT":
            (day, month, year, time) = (fields[1][...], fields[2][...], digits(fields[3], count: 4...4), fields[4][...])
        case 4 where fields[0].hasSuffix(",") && fields[3] == "GMT":
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let shortYear = digits(parts[2], count: 2...2) else { return nil }
            (day, month, time) = (parts[0], parts[1], fields[2][...])
            year = shortYear + (shortYear < 70 ? 2000 : 1900)
        case 5:
            (month, day, time, year) = (fields[1][...], fields[2][...], fields[3][...], digits(fields[4], count: 4...4))
        default:
            return nil
        }
        guard let year, let monthIndex = monthNames.firstIndex(where: { $0 == month }),
            let dayNumber = digits(day, count: 1...2), let secondOfDay = parseTime(time)
        else { return nil }
        let days = daysSince1970(year: year, month: monthIndex + 1, day: dayNumber)
        // Reject dates such as 31 Feb, which would silently roll over.
        guard civilDate(fromDays: days) == (year, monthIndex + 1, dayNumber) else { return nil }
        return days * secondsPerDay + secondOfDay
    }

    /// `HH:MM:SS` as seconds into the day (a leap second 60 is accepted).
    private static func parseTime(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let hour = digits(parts[0], count: 2...2), let minute = digits(parts[1], count: 2...2),
            let second = digits(parts[2], count: 2...2),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    /// A decimal number of `count` ASCII digits (no sign, so years and days stay small).
    private static func digits(_ text: Substring, count: ClosedRange<Int>) -> Int? {
        guard count.contains(text.utf8.count) else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static let secondsPerDay = 86_400
    /// 1970-01-01 was a Thursday: index 4 of `weekdayNames`.
    private static let thursday = 4
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// The proleptic Gregorian calendar repeats every 400 years, which are 146,097 days.
    private static let daysPer400Years = 146_097
    /// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
    private static let marchFirstOfYearZeroTo1970 = 719_468

    /// Days since 1970-01-01 of a proleptic Gregorian date; years are counted from March so leap days fall last.
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivision(marchYear, 400).quotient
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * daysPer400Years + dayOfEra - marchFirstOfYearZeroTo1970
    }

    /// The inverse of `daysSince1970(year:month:day:)`.
    private static func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + marchFirstOfYearZeroTo1970
        let era = floorDivision(shifted, daysPer400Years).quotient
        let dayOfEra = shifted - era * daysPer400Years
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func fourDigits(_ value: Int) -> String {
        let text = "\(value)"
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
