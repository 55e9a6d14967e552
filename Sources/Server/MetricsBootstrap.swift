import Metrics
import NIOConcurrencyHelpers
public import Prometheus

/// The process's one Prometheus registry, and swift-metrics bootstrapped onto it exactly once.
///
/// swift-metrics binds a `Counter` or `Timer` to the factory in force when it is created, so the
/// bootstrap runs before any component is built (first thing in `Application.init`). Tests that
/// build several applications in one process share the registry; the second bootstrap is skipped
/// (swift-metrics allows one per process).
public enum MetricsBootstrap {
    /// The registry `/metrics` emits; what modules record with swift-metrics lands here.
    public static let registry = PrometheusCollectorRegistry()

    private static let done = NIOLockedValueBox(false)

    /// Bootstraps swift-metrics onto `registry`, the first time only.
    /// - Returns: The registry.
    @discardableResult
    public static func bootstrapOnce() -> PrometheusCollectorRegistry {
        done.withLockedValue { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
        return registry
    }
}
