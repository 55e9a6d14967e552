import Foundation

/// A small tmpfs for a server's output folder, to fill up on purpose.
///
/// As root (here and in CI) it is mounted in the test's own mount namespace over the folder once the server
/// runs. Otherwise the server is started under `unshare -rm` (a user and mount namespace of its own) with a
/// shell that mounts the tmpfs first and then execs the server; the test reaches that mount through
/// `/proc/PID/root`. `HEADWATER_SMALL_DISK=namespace` forces the second way where both work.
final class SmallDisk: @unchecked Sendable {
    enum Method: String, Sendable {
        case mount
        case namespace
    }

    static let method: Method? = {
        let forced = ProcessInfo.processInfo.environment["HEADWATER_SMALL_DISK"].flatMap(Method.init(rawValue:))
        if forced != .namespace, canMount() { return .mount }
        if Tools.path(of: "unshare") != nil,
            (try? ChildProcess.run("/usr/bin/env", ["unshare", "-rm", "true"], timeout: 10).code) == 0
        {
            return .namespace
        }
        return nil
    }()

    let sizeBytes: Int
    let method: Method
    /// The folder as the server sees it; set by `attach`.
    private(set) var folder = ""
    private var mountedOnHost = false
    private var serverPID: Int32 = 0

    init(sizeBytes: Int) throws {
        guard let method = Self.method else { throw HarnessError("neither mount nor unshare -rm works here") }
        self.method = method
        self.sizeBytes = sizeBytes
    }

    /// What to start the server under so that `folder` (HeadwaterServer's `$DIR` allowed) is the small disk:
    /// nothing for `.mount`, the namespace and its mount for `.namespace`.
    func launcher(folder: String) -> [String] {
        guard method == .namespace else { return [] }
        // $0 is the folder, $1 the size; the server's command follows.
        let script = #"mkdir -p "$0" && mount -t tmpfs -o size="$1" tmpfs "$0" && shift && exec "$@""#
        return ["/usr/bin/env", "unshare", "-rm", "/bin/sh", "-c", script, folder, "\(sizeBytes)"]
    }

    /// Mounts the disk on `folder` (as root), or notes the server whose namespace holds the mount.
    func attach(to server: HeadwaterServer, folder: String) throws {
        self.folder = folder
        switch method {
        case .mount:
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let (code, output) = try ChildProcess.run(
                "/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=\(sizeBytes)", "tmpfs", folder], timeout: 10)
            guard code == 0 else { throw HarnessError("mount failed: \(output)") }
            mountedOnHost = true
        case .namespace:
            serverPID = server.process.pid
        }
    }

    /// `relative` inside the small disk, as this process reaches it.
    func path(_ relative: String = "") -> String {
        let base = method == .namespace ? "/proc/\(serverPID)/root\(folder)" : folder
        return relative.isEmpty ? base : base + "/" + relative
    }

    /// Writes `name` until the disk is full; returns the bytes written.
    @discardableResult
    func fill(with name: String) throws -> Int {
        let (_, output) = try ChildProcess.run(
            "/usr/bin/env", ["dd", "if=/dev/zero", "of=\(path(name))", "bs=16k", "status=none"], timeout: 30)
        guard output.contains("No space left") else { throw HarnessError("dd did not fill the disk: \(output)") }
        return (try? FileManager.default.attributesOfItem(atPath: path(name))[.size] as? Int) ?? 0
    }

    /// Unmounts (the namespace's mount goes with the server).
    func detach() {
        guard mountedOnHost else { return }
        // Lazy: a file the server still holds must not keep the tmpfs (and the test) stuck.
        _ = try? ChildProcess.run("/usr/bin/env", ["umount", "-l", folder], timeout: 10)
        mountedOnHost = false
    }

    deinit { detach() }

    private static func canMount() -> Bool {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("hw-mount-\(UUID().uuidString.prefix(8))").path
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else {
            return false
        }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? ChildProcess.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], timeout: 10).code) == 0
        else { return false }
        _ = try? ChildProcess.run("/usr/bin/env", ["umount", probe], timeout: 10)
        return true
    }
}
