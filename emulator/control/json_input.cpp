#include "emulator/control/json_input.h"

#include <algorithm>
#include <cmath>

#include "emulator/api/accounts.h"

namespace cfl::control {
namespace {

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

const Json* Member(const Json& object, std::string_view name) {
  const auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

bool Contains(std::initializer_list<std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Listed(std::initializer_list<std::string_view> names) {
  std::string text;
  for (const auto name : names) text += (text.empty() ? "" : ", ") + Quoted(name);
  return text;
}

}  // namespace

Problem BadRequest(std::string message) { return {400, std::move(message), ""}; }
Problem NotFound(std::string message) { return {404, std::move(message), ""}; }
Problem StoreProblem(const store::StoreError& error) { return {500, "the store failed: " + error.message, ""}; }

Result<Json, std::string> ParseJson(std::string_view text) {
  struct TooDeep {};
  // The parser itself keeps its nesting on the heap; the callback sees each
  // value's depth before the value is built.
  // depth counts the containers around a value: 0 for the top level.
  const auto check_depth = [](int depth, Json::parse_event_t event, Json&) {
    const bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) throw TooDeep{};
    return true;
  };
  try {
    Json parsed = Json::parse(text, check_depth, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return Fail(std::string("not valid JSON"));
    return parsed;
  } catch (const TooDeep&) {
    return Fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
}

std::string Describe(const Json& value) {
  constexpr std::size_t kShort = 64;
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string() && value.get_ref<const std::string&>().size() > kShort) return "a long string";
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Json, Problem> ParseObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(BadRequest("the body is " + parsed.error()));
  if (!parsed->is_object()) return Fail(BadRequest("the body must be a JSON object"));
  return std::move(parsed).value();
}

Result<Ok, Problem> OnlyMembers(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : object.items()) {
    if (!Contains(allowed, name)) {
      return Fail(BadRequest("unknown member " + Quoted(name) + "; expected " +
                             (allowed.size() == 0 ? std::string("none") : Listed(allowed))));
    }
  }
  return Ok{};
}

Result<std::optional<std::string>, Problem> OptionalString(const Json& object, std::string_view name) {
  const Json* value = Member(object, name);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return Fail(BadRequest(Quoted(name) + " must be a string"));
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::optional<bool>, Problem> OptionalBool(const Json& object, std::string_view name) {
  const Json* value = Member(object, name);
  if (!value) return std::optional<bool>();
  if (!value->is_boolean()) return Fail(BadRequest(Quoted(name) + " must be true or false"));
  return std::optional<bool>(value->get<bool>());
}

Result<std::optional<double>, Problem> OptionalNumber(const Json& object, std::string_view name, double min,
                                                      double max) {
  const Json* value = Member(object, name);
  if (!value) return std::optional<double>();
  if (!value->is_number()) return Fail(BadRequest(Quoted(name) + " must be a number"));
  const double number = value->get<double>();
  if (!std::isfinite(number) || number < min || number > max) {
    return Fail(BadRequest(Quoted(name) + " must be between " + Json(min).dump() + " and " + Json(max).dump() +
                           ", got " + Describe(*value)));
  }
  return std::optional<double>(number);
}

Result<std::optional<std::int64_t>, Problem> OptionalInteger(const Json& object, std::string_view name,
                                                             std::int64_t min, std::int64_t max) {
  const Json* value = Member(object, name);
  if (!value) return std::optional<std::int64_t>();
  const auto out_of_range = [&] {
    return BadRequest(Quoted(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      ", got " + Describe(*value));
  };
  std::int64_t number = 0;
  if (value->is_number_unsigned()) {
    if (value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) return Fail(out_of_range());
    number = static_cast<std::int64_t>(value->get<std::uint64_t>());
  } else if (value->is_number_integer()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_float()) {
    // JSON has one number type: 2.0 is an integer, 2.5 is not.
    const double real = value->get<double>();
    if (!std::isfinite(real) || std::trunc(real) != real) return Fail(BadRequest(Quoted(name) + " must be an integer"));
    if (real < static_cast<double>(min) || real > static_cast<double>(max)) return Fail(out_of_range());
    number = static_cast<std::int64_t>(real);
  } else {
    return Fail(BadRequest(Quoted(name) + " must be an integer"));
  }
  if (number < min || number > max) return Fail(out_of_range());
  return std::optional<std::int64_t>(number);
}

Result<std::optional<std::string>, Problem> OptionalAccount(const Json& object, std::string_view name) {
  auto account = OptionalString(object, name);
  if (!account) return account;
  if (*account && !api::IsAccountId(**account)) {
    return Fail(BadRequest(Quoted(name) + " must be a 12-digit account id, got \"" + **account + "\""));
  }
  return account;
}

Result<Ok, Problem> OnlyParameters(const QueryMap& query, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : query) {
    if (!Contains(allowed, name)) {
      return Fail(BadRequest("unknown query parameter " + Quoted(name) + "; expected " + Listed(allowed)));
    }
    if (query.count(name) > 1) return Fail(BadRequest("query parameter " + Quoted(name) + " is given twice"));
  }
  return Ok{};
}

std::optional<std::string> Parameter(const QueryMap& query, const std::string& name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

}  // namespace cfl::control
