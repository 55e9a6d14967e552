import Hummingbird

extension HTTPAPIRoute {
    /// What the endpoint takes besides OPTIONS: DELETE kicks one client, everything else is read-only.
    var methods: [HTTPRequest.Method] {
        if case .clients(id: .some) = self { return [.get, .delete] }
        return [.get]
    }

    /// `Allow` for a 405.
    var allowHeader: String {
        (methods.map(\.rawValue) + ["OPTIONS"]).joined(separator: ", ")
    }
}
