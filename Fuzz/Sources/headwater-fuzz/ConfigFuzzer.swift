import Config

/// The configuration tokenizer, parser and decoder on arbitrary text, as `headwater -c` and SIGHUP read it.
///
/// `include` is the one directive that touches the disk: inputs that mention it are skipped, and the file
/// name points into a folder that does not exist so no relative path can reach a real file.
enum ConfigFuzzer {
    private static let fileName = "/nonexistent-headwater-fuzz/fuzz.conf"

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard !text.contains("include") else { return }
        let directives = try? ConfigDirective.parse(text: text, file: fileName)
        let full = try? ServerConfiguration.parse(text: text, file: fileName)
        // Decoding needs a tree, so a text that decodes must also parse.
        fuzzCheck(full == nil || directives != nil, "decoded a configuration that does not parse")
    }
}
