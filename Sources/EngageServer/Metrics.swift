import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once).
public enum EngageMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let r = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
        return r
    }()

    static func countImport(_ outcome: String) {
        Metrics.Counter(label: "engage_imports_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// Mail: `sent` or `failed` (each failure is retried).
    static func countMail(_ outcome: String) {
        Metrics.Counter(label: "engage_mail_total", dimensions: [("outcome", outcome)]).increment()
    }
}

