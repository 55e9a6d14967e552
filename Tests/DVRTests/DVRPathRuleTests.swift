import Config
import DVR
import Testing

@Suite struct DVRPathRuleTests {
    @Test func folderGetsTheDefaultFileName() {
        #expect(DVRPathRule.template(for: "./rec/[app]").text == "./rec/[app]/[stream].[timestamp].flv")
        #expect(DVRPathRule.template(for: "./rec/").text == "./rec/[stream].[timestamp].flv")
        #expect(DVRPathRule.template(for: "./rec/[stream].FLV").text == "./rec/[stream].FLV")
    }
}
