#include "emulator/control/fixture_xml.h"

#include <tinyxml2.h>

#include <algorithm>
#include <set>

#include "emulator/api/accounts.h"
#include "emulator/codec/validate.h"
#include "emulator/engine/registry.h"
#include "emulator/model/model.h"

namespace cfl::control {
namespace {

using Element = tinyxml2::XMLElement;

constexpr std::size_t kMaxTags = 50;

// A config document of a family that the registry knows (DistributionConfig, CachePolicyConfig, ...).
bool IsConfigRoot(std::string_view name) { return engine::Registry::Get().FindByConfigRoot(name).has_value(); }

bool IsFixtureId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

Result<model::Json, std::string> DecodeConfig(std::string_view xml, std::string_view root) {
  const auto document = engine::Registry::Get().FindByConfigRoot(root);
  if (!document) return Fail("no resource family takes a <" + std::string(root) + ">");
  const model::ShapeId shape = document->shape;
  auto config = model::DecodeXml(xml, root, shape);
  if (!config) return Fail(config.error().code + ": " + config.error().message);
  if (auto valid = model::Validate(config.value(), shape, root); !valid) {
    return Fail(valid.error().code + ": " + valid.error().message);
  }
  return std::move(config).value();
}

Result<model::Json, std::string> ReadTags(const Element& tags) {
  model::Json items = model::Json::array();
  std::set<std::string> keys;
  for (const Element* tag = tags.FirstChildElement(); tag; tag = tag->NextSiblingElement()) {
    if (std::string_view(tag->Name()) != "Tag") {
      return Fail("unexpected element <" + std::string(tag->Name()) + "> in <Tags>; write <Tag Key=\"k\" Value=\"v\"/>");
    }
    for (const auto* attribute = tag->FirstAttribute(); attribute; attribute = attribute->Next()) {
      const std::string_view name = attribute->Name();
      if (name != "Key" && name != "Value") return Fail("unexpected attribute " + std::string(name) + " on <Tag>");
    }
    const char* key = tag->Attribute("Key");
    if (!key || !*key) return Fail("a <Tag> needs a non-empty Key attribute");
    if (std::string_view(key).size() > 128) return Fail("tag key " + std::string(key) + " is longer than 128");
    if (!keys.insert(key).second) return Fail("tag key " + std::string(key) + " is given twice");
    model::Json item = {{"Key", key}};
    if (const char* value = tag->Attribute("Value")) {
      if (std::string_view(value).size() > 256) return Fail("the value of tag " + std::string(key) + " is longer than 256");
      item["Value"] = value;
    }
    // The model's rules (the key's pattern, UTF-8), as TagResource and a
    // snapshot import check them: a fixture must not store what they refuse.
    if (auto valid = model::Validate(item, *model::FindShape("Tag"), "Tag"); !valid) {
      return Fail("tag key " + std::string(key) + ": " + valid.error().message);
    }
    items.push_back(std::move(item));
  }
  if (items.size() > kMaxTags) return Fail("more than 50 tags");
  return items;
}

Result<Ok, std::string> ReadAttributes(const Element& root, XmlFixture& fixture) {
  for (const auto* attribute = root.FirstAttribute(); attribute; attribute = attribute->Next()) {
    const std::string_view name = attribute->Name();
    const std::string value = attribute->Value();
    if (name == "id") {
      if (!IsFixtureId(value)) return Fail("id \"" + value + "\" must be 1 to 64 uppercase letters and digits");
      fixture.id = value;
    } else if (name == "account") {
      if (!api::IsAccountId(value)) return Fail("account \"" + value + "\" must be 12 digits");
      fixture.account = value;
    } else if (name == "status") {
      if (value != "Deployed" && value != "InProgress") {
        return Fail("status \"" + value + "\" must be Deployed or InProgress");
      }
      fixture.deployed = value == "Deployed";
    } else if (name != "xmlns") {
      return Fail("unexpected attribute " + std::string(name) + " on <Fixture>; expected id, account, status");
    }
  }
  return Ok{};
}

Result<XmlFixture, std::string> ReadWrapped(const Element& root) {
  XmlFixture fixture;
  if (auto read = ReadAttributes(root, fixture); !read) return Fail(std::move(read).error());
  const Element* config = nullptr;
  const Element* tags = nullptr;
  for (const Element* child = root.FirstChildElement(); child; child = child->NextSiblingElement()) {
    const std::string_view name = child->Name();
    const Element*& slot = name == "Tags" ? tags : config;
    if (name != "Tags" && !IsConfigRoot(name)) {
      return Fail("unexpected element <" + std::string(name) +
                  "> in <Fixture>; expected <Tags> and one config such as <DistributionConfig>");
    }
    if (slot) return Fail("<Fixture> holds more than one <" + std::string(name == "Tags" ? "Tags" : "…Config") + ">");
    slot = child;
  }
  if (!config) return Fail("<Fixture> holds no config such as <DistributionConfig>");
  if (tags) {
    auto items = ReadTags(*tags);
    if (!items) return Fail(std::move(items).error());
    fixture.tags = std::move(items).value();
  }
  tinyxml2::XMLPrinter printer(nullptr, /*compact=*/true);
  config->Accept(&printer);
  fixture.config_root = config->Name();
  auto decoded = DecodeConfig(printer.CStr(), fixture.config_root);
  if (!decoded) return Fail(std::move(decoded).error());
  fixture.config = std::move(decoded).value();
  return fixture;
}

}  // namespace

Result<XmlFixture, std::string> ParseXmlFixture(std::string_view text) {
  tinyxml2::XMLDocument document;
  if (document.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    return Fail(std::string("not well-formed XML: ") + document.ErrorStr());
  }
  const Element* root = document.RootElement();
  if (!root) return Fail(std::string("no root element"));
  const std::string_view name = root->Name();
  if (name == "Fixture") return ReadWrapped(*root);
  if (!IsConfigRoot(name)) {
    return Fail("the root element is <" + std::string(name) +
                ">; expected <Fixture> or a config such as <DistributionConfig>");
  }
  XmlFixture fixture;
  fixture.config_root = std::string(name);
  auto decoded = DecodeConfig(text, name);
  if (!decoded) return Fail(std::move(decoded).error());
  fixture.config = std::move(decoded).value();
  return fixture;
}

}  // namespace cfl::control
