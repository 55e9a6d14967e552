/// Where the server writes its log (SRS `srs_log_tank`).
public enum LogTank: String, Sendable, Hashable, CaseIterable {
    /// Standard error. Headwater's default (SRS defaults to `file` outside Docker).
    case console
    /// The file named by `srs_log_file`.
    case file
}

/// How much the server logs. The raw values are swift-log's `Logger.Level` names, so the executable maps
/// with `Logger.Level(rawValue:)`; the configuration uses SRS's level names (see `init?(srsName:)`).
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace
    case debug
    case info
    case notice
    case warning
    case error
    case critical

    /// SRS `srs_log_level` (v1) names, from most to least verbose.
    public static let srsNames = ["verbose", "info", "trace", "warn", "error"]
    /// SRS `srs_log_level_v2` names, from most to least verbose.
    public static let srsV2Names = ["trace", "debug", "info", "warn", "error"]

    /// Maps an SRS `srs_log_level` (v1) name, case-insensitively. SRS v1 has "trace" as its normal level
    /// between "info" (detail) and "warn", so: verbose → trace, info → debug, trace → info, warn → warning,
    /// error → error. `Verb` is SRS's short spelling of verbose.
    /// - Parameter srsName: The SRS v1 level name.
    public init?(srsName: String) {
        switch srsName.lowercased() {
        case "verbose", "verb": self = .trace
        case "info": self = .debug
        case "trace": self = .info
        case "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }

    /// Maps an SRS `srs_log_level_v2` name, case-insensitively: trace, debug, info, warn, error, which mean
    /// what swift-log's names mean.
    /// - Parameter srsV2Name: The SRS v2 level name.
    public init?(srsV2Name: String) {
        switch srsV2Name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}
