import Testing

/// The strict Prometheus text reader the metrics tests rely on must itself reject bad input.
@Suite struct PrometheusTextTests {
    @Test func readsFamiliesLabelsAndSpecialValues() throws {
        let text = try PrometheusText(
            """
            # HELP a_total Things.\n# TYPE a_total counter
            a_total{kind="x\\"y",path="a\\\\b\\nc",} 12 1700000000000
            # a free comment
            # TYPE h_seconds histogram
            h_seconds_bucket{le="+Inf"} 3
            h_seconds_sum 0.25
            h_seconds_count 3
            g NaN
            g2 -Inf

            """)
        #expect(text.types == ["a_total": "counter", "h_seconds": "histogram"])
        #expect(text.value("a_total", ["kind": "x\"y", "path": "a\\b\nc"]) == 12)
        #expect(text.value("h_seconds_bucket", ["le": "+Inf"]) == 3)
        #expect(text.value("g")?.isNaN == true)
        #expect(text.value("g2") == -.infinity)
        #expect(PrometheusText.family(of: "h_seconds_count") == "h_seconds")
    }

    @Test(arguments: [
        "1abc 1", "a{b=\"c\" 1", "a{b=c} 1", "a{b=\"c\\q\"} 1", "a{b=\"1\",b=\"2\"} 1", "a one", "a", "a 1 2 3",
        "a{1b=\"x\"} 1", "a 1 x", "# TYPE a countr", "# TYPE a counter\n# TYPE a counter", "a 1\n# TYPE a gauge",
        "# HELP a x\n# HELP a y",
    ])
    func rejects(line: String) {
        #expect(throws: HarnessError.self) { try PrometheusText(line) }
    }
}
