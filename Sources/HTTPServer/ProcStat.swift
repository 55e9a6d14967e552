/// The fields of a `/proc/[pid]/stat` line (proc(5)), shared by `/metrics` and the API's summaries.
enum ProcStat {
    /// The fields after the command name, which is parenthesised and may hold spaces and `)`: counted
    /// from the last `)`. Element 0 is field 3 (state), so field `n` is at `n - 3`.
    static func fields(of stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    /// Field `number` (1-based, as proc(5) numbers them) as an integer.
    static func field(_ number: Int, in fields: [Substring]) -> Int? {
        let index = number - 3
        return index >= 0 && index < fields.count ? Int(fields[index]) : nil
    }
}
