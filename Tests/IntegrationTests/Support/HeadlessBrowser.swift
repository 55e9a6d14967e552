import Foundation

/// Debian's `chromium` in headless mode, for checks of the built-in web page, and `tesseract` to read
/// its screenshots. Every run is bounded by a timeout and uses a throwaway profile.
enum HeadlessBrowser {
    static var chromium: String? { Tools.path(of: "chromium") ?? Tools.path(of: "chromium-browser") }
    static var tesseract: String? { Tools.path(of: "tesseract") }

    /// The DOM after the page's scripts ran for `budget` ms of virtual time (fetches included).
    static func dumpDOM(_ url: String, budget: Int = 5000) throws -> String {
        try run(["--dump-dom", "--virtual-time-budget=\(budget)", url])
    }

    /// A PNG of the page, 1024×768, after `budget` ms of virtual time.
    static func screenshot(_ url: String, to path: String, budget: Int = 5000) throws {
        _ = try run(["--screenshot=\(path)", "--window-size=1024,768", "--virtual-time-budget=\(budget)", url])
        guard FileManager.default.fileExists(atPath: path) else {
            throw HarnessError("chromium wrote no screenshot at \(path)")
        }
    }

    /// The text tesseract reads in an image.
    static func ocr(_ path: String) throws -> String {
        guard let tesseract else { throw HarnessError("tesseract is not installed (apt-get install tesseract-ocr)") }
        let (code, output) = try ChildProcess.run(tesseract, [path, "stdout"], timeout: 60)
        guard code == 0 else { throw HarnessError("tesseract failed (\(code)):\n\(output)") }
        return output
    }

    private static func run(_ arguments: [String]) throws -> String {
        guard let chromium else { throw HarnessError("chromium is not installed (apt-get install chromium)") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("hw-chromium-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: profile) }
        let (code, output) = try ChildProcess.run(
            chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--user-data-dir=\(profile.path)"] + arguments,
            timeout: 60)
        guard code == 0 else { throw HarnessError("chromium failed (\(code)):\n\(output)") }
        return output
    }
}
