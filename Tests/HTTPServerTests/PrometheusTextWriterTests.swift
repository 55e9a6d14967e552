@testable import HTTPServer
import Testing

/// The text exposition the scrape-time families are written in.
@Suite struct PrometheusTextWriterTests {
    @Test func writesHelpTypeAndSamplesWithLabelsInOrder() {
        var writer = PrometheusTextWriter()
        writer.family("headwater_streams", help: "Live streams.", type: .gauge, value: 2)
        writer.family(
            "headwater_clients", help: "Clients.", type: .gauge,
            samples: [.init(labels: [("kind", "rtmp-play")], value: 3), .init(labels: [("kind", "flv-play")], value: 0)])
        writer.family("headwater_sent_bytes_total", help: "Sent.", type: .counter, samples: [])
        #expect(
            writer.text == """
                # HELP headwater_streams Live streams.
                # TYPE headwater_streams gauge
                headwater_streams 2
                # HELP headwater_clients Clients.
                # TYPE headwater_clients gauge
                headwater_clients{kind="rtmp-play"} 3
                headwater_clients{kind="flv-play"} 0
                # HELP headwater_sent_bytes_total Sent.
                # TYPE headwater_sent_bytes_total counter

                """)
    }

    @Test func escapesLabelValuesAndHelp() {
        var writer = PrometheusTextWriter()
        writer.family(
            "m", help: "a\\b\nc", type: .gauge,
            samples: [.init(labels: [("stream", "x\"y\\z\nw"), ("app", "live")], value: 1)])
        #expect(writer.text == "# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{stream=\"x\\\"y\\\\z\\nw\",app=\"live\"} 1\n")
    }

    @Test func aCarriageReturnLineFeedInAStreamNameCannotBreakTheLine() {
        var writer = PrometheusTextWriter()
        writer.family("m", help: "h\r\nx", type: .gauge, samples: [.init(labels: [("stream", "a\r\nb\rc")], value: 1)])
        #expect(writer.text == "# HELP m h\\nx\n# TYPE m gauge\nm{stream=\"a\\nbc\"} 1\n")
        #expect(!writer.text.unicodeScalars.contains("\r"))
    }

    @Test(arguments: [
        (0.0, "0"), (42.0, "42"), (-7.0, "-7"), (1.5, "1.5"), (1e20, "1e+20"), (0.000_1, "0.0001"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
        (9_007_199_254_740_991.0, "9007199254740991"),
    ])
    func formatsValues(value: Double, expected: String) {
        #expect(PrometheusTextWriter.format(value) == expected)
    }
}
