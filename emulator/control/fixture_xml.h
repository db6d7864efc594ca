// The hand-written fixture form: a *Config document exactly as a user would
// POST it, bare or wrapped in <Fixture id= account= status=> with <Tags>.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/common/result.h"
#include "emulator/codec/xml_codec.h"

namespace cfl::control {

struct XmlFixture {
  std::string config_root;           // the config's element: "DistributionConfig", "CachePolicyConfig", ...
  model::Json config;                // decoded and validated against the model
  std::optional<std::string> id;     // chosen id, else a random one
  std::optional<std::string> account;  // else the default account
  bool deployed = true;              // status="Deployed" (default) or "InProgress"
  model::Json tags = model::Json::array();  // [{Key, Value}]
};

// Parses and validates one fixture document; the error says what is wrong.
Result<XmlFixture, std::string> ParseXmlFixture(std::string_view text);

}  // namespace cfl::control
