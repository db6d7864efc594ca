#include "emulator/control/fixture_xml.h"

#include <doctest/doctest.h>

namespace cfl::control {
namespace {

constexpr std::string_view kConfig =
    R"(<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <CallerReference>ref</CallerReference>
  <Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com</DomainName>
    <S3OriginConfig><OriginAccessIdentity/></S3OriginConfig></Origin></Items></Origins>
  <DefaultCacheBehavior><TargetOriginId>o</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy>
    <CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>
  <!-- a comment -->
  <Comment>fixture &amp; more</Comment>
  <Enabled>true</Enabled>
</DistributionConfig>)";

std::string Wrapped(std::string_view attributes, std::string_view inner = kConfig) {
  return "<Fixture " + std::string(attributes) + ">" + std::string(inner) + "</Fixture>";
}

std::string Refusal(std::string_view text) {
  auto parsed = ParseXmlFixture(text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

bool Mentions(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST_CASE("a bare config is a fixture with defaults") {
  auto fixture = ParseXmlFixture(kConfig);
  REQUIRE_MESSAGE(fixture.ok(), (fixture.ok() ? "" : fixture.error()));
  CHECK(fixture->config_root == "DistributionConfig");
  CHECK(fixture->config["Comment"] == "fixture & more");
  CHECK(fixture->config["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] == "");
  CHECK_FALSE(fixture->id);
  CHECK_FALSE(fixture->account);
  CHECK(fixture->deployed);
  CHECK(fixture->tags.empty());
}

TEST_CASE("a wrapped fixture chooses id, account, status and tags") {
  const std::string text = "<Fixture id=\"EXAMPLE123456\" account=\"111111111111\" status=\"InProgress\">"
                           "<Tags><Tag Key=\"env\" Value=\"test\"/><Tag Key=\"empty\"/></Tags>" +
                           std::string(kConfig) + "</Fixture>";
  auto fixture = ParseXmlFixture(text);
  REQUIRE_MESSAGE(fixture.ok(), (fixture.ok() ? "" : fixture.error()));
  CHECK(fixture->id == "EXAMPLE123456");
  CHECK(fixture->account == "111111111111");
  CHECK_FALSE(fixture->deployed);
  CHECK(fixture->tags == model::Json::parse(R"([{"Key":"env","Value":"test"},{"Key":"empty"}])"));
  CHECK(fixture->config["CallerReference"] == "ref");

  auto streaming = ParseXmlFixture(Wrapped("", R"(<StreamingDistributionConfig>
    <CallerReference>r</CallerReference><S3Origin><DomainName>m.s3.amazonaws.com</DomainName>
    <OriginAccessIdentity/></S3Origin><Comment/><TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity>
    </TrustedSigners><Enabled>true</Enabled></StreamingDistributionConfig>)"));
  REQUIRE_MESSAGE(streaming.ok(), (streaming.ok() ? "" : streaming.error()));
  CHECK(streaming->config_root == "StreamingDistributionConfig");
}

TEST_CASE("an XML fixture nested deeper than any config is refused, not recursed into") {
  const auto deep = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "<Fixture>";
    for (int i = 0; i < depth; ++i) text += "</Fixture>";
    return text;
  };
  CHECK_FALSE(ParseXmlFixture(deep(100'000)).ok());
  CHECK_FALSE(ParseXmlFixture("<DistributionConfig>" + deep(100'000) + "</DistributionConfig>").ok());
}

TEST_CASE("bad fixtures say what is wrong") {
  CHECK(Mentions(Refusal("<DistributionConfig>"), "not well-formed"));
  CHECK(Mentions(Refusal("<Distribution/>"), "<Distribution>"));
  CHECK(Mentions(Refusal(Wrapped("id=\"lower\"")), "id"));
  CHECK(Mentions(Refusal(Wrapped("account=\"12\"")), "account"));
  CHECK(Mentions(Refusal(Wrapped("status=\"Done\"")), "Deployed or InProgress"));
  CHECK(Mentions(Refusal(Wrapped("owner=\"me\"")), "owner"));
  CHECK(Mentions(Refusal("<Fixture><Tags/></Fixture>"), "no config such as <DistributionConfig>"));
  CHECK(Mentions(Refusal(Wrapped("", std::string(kConfig) + std::string(kConfig))), "more than one"));
  CHECK(Mentions(Refusal(Wrapped("", "<Tags><Label/></Tags>" + std::string(kConfig))), "<Label>"));
  CHECK(Mentions(Refusal(Wrapped("", "<Tags><Tag Value=\"v\"/></Tags>" + std::string(kConfig))), "Key"));
  CHECK(Mentions(Refusal(Wrapped("", "<Tags><Tag Key=\"a\"/><Tag Key=\"a\"/></Tags>" + std::string(kConfig))),
                 "twice"));
  // The fuzzer's find: a key TagResource refuses was stored, and the export then did not import.
  CHECK(Mentions(Refusal(Wrapped("", "<Tags><Tag Key=\"!legacy\"/></Tags>" + std::string(kConfig))),
                 "regular expression"));
  CHECK(Mentions(Refusal(Wrapped("", "<Tags><Tag Key=\"\xfflegacy\"/></Tags>" + std::string(kConfig))),
                 "legacy"));
  CHECK(Mentions(Refusal(Wrapped("", "<Other/>" + std::string(kConfig))), "<Other>"));
  std::string inconsistent(kConfig);
  inconsistent.replace(inconsistent.find("<Quantity>1"), 11, "<Quantity>2");
  CHECK(Mentions(Refusal(inconsistent), "InconsistentQuantities"));
  std::string unknown(kConfig);
  unknown.insert(unknown.find("<Enabled>"), "<Colour>red</Colour>");
  CHECK(Mentions(Refusal(unknown), "MalformedInput"));
  std::string missing(kConfig);
  missing.erase(missing.find("<Enabled>"), std::string_view("<Enabled>true</Enabled>").size());
  CHECK(Mentions(Refusal(missing), "enabled"));
}

}  // namespace
}  // namespace cfl::control
