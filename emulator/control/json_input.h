// Reading the JSON bodies and query strings of control requests: strict
// about types and unknown members, so a typo is a 400, not a silent no-op.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include "emulator/common/json.h"
#include <optional>
#include <string>
#include <string_view>

#include "emulator/common/result.h"
#include "store/store.h"

namespace cfl::control {

using Json = cfl::Json;

// Why a control request cannot be served: status and a message for {"error": ...}.
struct Problem {
  int status = 400;
  std::string message;
  std::string code;  // the CloudFront error code when the engine refused, else ""
};

Problem BadRequest(std::string message);
Problem NotFound(std::string message);
// A store failure: 500 with what went wrong.
Problem StoreProblem(const store::StoreError& error);

// JSON that the control plane and fixtures read nests at most this deep
// (objects and arrays inside each other; the snapshots this emulator writes
// reach about 12). Deeper input is refused while it is parsed: copying,
// comparing and printing a JSON value recurse once per level, so a 200 KB
// body of brackets would otherwise overflow the stack.
inline constexpr int kMaxJsonDepth = 64;

// Parses text as JSON nested no deeper than kMaxJsonDepth; on failure, why.
Result<Json, std::string> ParseJson(std::string_view text);

// A JSON value described for a message without printing it whole: short
// scalars as JSON, anything else by its type ("an object").
std::string Describe(const Json& value);

// The body as a JSON object; an empty body is {}.
Result<Json, Problem> ParseObject(std::string_view body);

// Fails naming the first member of object that is not in allowed.
Result<Ok, Problem> OnlyMembers(const Json& object, std::initializer_list<std::string_view> allowed);

// Typed members: nullopt when absent (or null), a Problem when of the wrong type.
Result<std::optional<std::string>, Problem> OptionalString(const Json& object, std::string_view name);
Result<std::optional<bool>, Problem> OptionalBool(const Json& object, std::string_view name);
// A finite number in [min, max].
Result<std::optional<double>, Problem> OptionalNumber(const Json& object, std::string_view name, double min,
                                                      double max);
// An integer in [min, max] (1.0 is accepted as 1; 1.5 is not).
Result<std::optional<std::int64_t>, Problem> OptionalInteger(const Json& object, std::string_view name,
                                                             std::int64_t min, std::int64_t max);
// A 12-digit account id.
Result<std::optional<std::string>, Problem> OptionalAccount(const Json& object, std::string_view name);

using QueryMap = std::multimap<std::string, std::string>;

// Fails naming the first query parameter not in allowed, or one given twice.
Result<Ok, Problem> OnlyParameters(const QueryMap& query, std::initializer_list<std::string_view> allowed);
std::optional<std::string> Parameter(const QueryMap& query, const std::string& name);

}  // namespace cfl::control
