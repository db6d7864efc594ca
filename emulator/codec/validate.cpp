#include "emulator/codec/validate.h"

#include <algorithm>
#include <vector>

#include "emulator/codec/pattern.h"
#include "emulator/codec/wire_text.h"

namespace cfl::model {
namespace {

using Check = Result<Ok, ApiError>;

// AWS lists every violation; a bound keeps a hostile input's answer small.
constexpr std::size_t kMaxReported = 100;

// One step of the path to a value: a member, or a list item (1-based).
struct Step {
  std::string_view member;
  std::size_t item = 0;
};

class Validator {
 public:
  Validator(std::string_view root, bool check_quantities, std::string_view valid_member = {})
      : root_(root), check_quantities_(check_quantities), valid_member_(valid_member) {}

  void Visit(const Json& value, ShapeId shape_id) {
    const ShapeDef& shape = Shape(shape_id);
    switch (shape.type) {
      case ShapeType::kStructure:
        if (value.is_object()) VisitStructure(value, shape);
        break;
      case ShapeType::kList:
        if (value.is_array()) VisitList(value, shape);
        break;
      case ShapeType::kMap:
        if (value.is_object()) VisitMap(value, shape);
        break;
      case ShapeType::kString:
        if (value.is_string()) CheckString(value.get_ref<const std::string&>(), shape);
        break;
      case ShapeType::kBlob:
        if (value.is_string()) CheckBlob(value.get_ref<const std::string&>(), shape);
        break;
      case ShapeType::kInteger:
      case ShapeType::kLong:
        if (value.is_number_integer()) CheckRange(value, static_cast<double>(value.get<std::int64_t>()), shape);
        break;
      case ShapeType::kDouble:
      case ShapeType::kFloat:
        if (value.is_number()) CheckRange(value, value.get<double>(), shape);
        break;
      default:
        break;
    }
  }

  // The error for what Visit found, if anything.
  Check Result(ProtocolKind protocol) const {
    if (!violations_.empty()) {
      std::string message = std::to_string(count_) + (count_ == 1 ? " validation error detected: "
                                                                   : " validation errors detected: ");
      for (std::size_t i = 0; i < violations_.size(); ++i) message.append(i ? "; " : "").append(violations_[i]);
      return Fail(protocol == ProtocolKind::kRestJson ? kvs_errors::ValidationException(std::move(message))
                                                      : errors::MalformedXML(std::move(message)));
    }
    if (inconsistent_) return Fail(*inconsistent_);
    return Ok{};
  }

 private:
  void VisitStructure(const Json& object, const ShapeDef& shape) {
    for (const auto& member : shape.members) {
      if (path_.empty() && !valid_member_.empty() && member.name == valid_member_) continue;
      const Json* found = FindJsonMember(object, member.name);
      path_.push_back({member.name});
      if (found == nullptr || found->is_null()) {
        if (member.required) Report(nullptr, "Member must not be null");
      } else {
        Visit(*found, member.shape);
      }
      path_.pop_back();
    }
    if (check_quantities_) CheckQuantity(object);
  }

  void VisitList(const Json& array, const ShapeDef& shape) {
    CheckSize(array, array.size(), shape);
    for (std::size_t i = 0; i < array.size(); ++i) {
      path_.push_back({{}, i + 1});
      Visit(array[i], shape.list_member);
      path_.pop_back();
    }
  }

  void VisitMap(const Json& object, const ShapeDef& shape) {
    CheckSize(object, object.size(), shape);
    for (const auto& [key, item] : object.items()) {
      path_.push_back({"key"});
      Visit(Json(key), shape.map_key);
      path_.back().member = "value";
      Visit(item, shape.map_value);
      path_.pop_back();
    }
  }

  void CheckString(const std::string& text, const ShapeDef& shape) {
    if (!shape.enum_values.empty() &&
        std::find(shape.enum_values.begin(), shape.enum_values.end(), text) == shape.enum_values.end()) {
      std::string allowed;
      for (const auto value : shape.enum_values) allowed.append(allowed.empty() ? "" : ", ").append(value);
      Report(&text, "Member must satisfy enum value set: [" + allowed + "]", shape);
    }
    CheckSize(text, CodePoints(text), shape);
    if (!shape.pattern.empty()) {
      if (const auto* pattern = PatternOf(shape); pattern && !pattern->Matches(text)) {
        Report(&text, "Member must satisfy regular expression pattern: " + std::string(shape.pattern), shape);
      }
    }
  }

  void CheckBlob(const std::string& base64, const ShapeDef& shape) {
    CheckSize(base64, Base64DecodedSize(base64), shape);
  }

  // Lengths of strings, blobs, lists and maps.
  void CheckSize(const Json& value, std::size_t size, const ShapeDef& shape) {
    const auto length = static_cast<std::int64_t>(size);
    if (shape.min && length < *shape.min) {
      Report(value, "Member must have length greater than or equal to " + std::to_string(*shape.min), shape);
    }
    if (shape.max && length > *shape.max) {
      Report(value, "Member must have length less than or equal to " + std::to_string(*shape.max), shape);
    }
  }
  void CheckSize(const std::string& text, std::size_t size, const ShapeDef& shape) {
    const auto length = static_cast<std::int64_t>(size);
    if (shape.min && length < *shape.min) {
      Report(&text, "Member must have length greater than or equal to " + std::to_string(*shape.min), shape);
    }
    if (shape.max && length > *shape.max) {
      Report(&text, "Member must have length less than or equal to " + std::to_string(*shape.max), shape);
    }
  }

  void CheckRange(const Json& value, double number, const ShapeDef& shape) {
    if (shape.min && number < static_cast<double>(*shape.min)) {
      Report(value, "Member must have value greater than or equal to " + std::to_string(*shape.min), shape);
    }
    if (shape.max && number > static_cast<double>(*shape.max)) {
      Report(value, "Member must have value less than or equal to " + std::to_string(*shape.max), shape);
    }
  }

  // CloudFront's lists travel as {Quantity, Items}; the two must agree.
  void CheckQuantity(const Json& object) {
    if (inconsistent_) return;
    const auto quantity = object.find("Quantity");
    if (quantity == object.end() || !quantity->is_number_integer()) return;
    const auto items = object.find("Items");
    const std::size_t count = (items != object.end() && items->is_array()) ? items->size() : 0;
    if (quantity->get<std::int64_t>() != static_cast<std::int64_t>(count)) {
      inconsistent_ = errors::InconsistentQuantities("The value of Quantity and the size of Items don't match (" +
                                                     PathText() + ").");
    }
  }

  static std::size_t CodePoints(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  void Report(const Json& value, std::string constraint, const ShapeDef& shape) {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_array()) {
      for (const auto& item : value) {
        text.append(text.empty() ? "[" : ", ").append(item.is_string() ? item.get<std::string>() : item.dump());
      }
      text = text.empty() ? "[]" : text + "]";
    } else {
      text = value.dump();
    }
    Report(&text, std::move(constraint), shape);
  }

  void Report(const std::string* value, std::string constraint, const ShapeDef& shape) {
    Report(shape.Has(kSensitive) ? &kHidden : value, std::move(constraint));
  }

  // value null: "Value null at"; kHidden: "Value at" (sensitive members).
  void Report(const std::string* value, std::string constraint) {
    ++count_;
    if (violations_.size() >= kMaxReported) return;
    std::string line = "Value ";
    if (!value) {
      line += "null ";
    } else if (value != &kHidden) {
      line.append("'").append(*value).append("' ");
    }
    line.append("at '").append(PathText()).append("' failed to satisfy constraint: ").append(constraint);
    violations_.push_back(std::move(line));
  }

  std::string PathText() const {
    std::string text(root_);
    for (const auto& step : path_) {
      if (!text.empty()) text += '.';
      if (step.member.empty()) {
        text.append(std::to_string(step.item)).append(".member");
        continue;
      }
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(step.member.front())));
      text.append(step.member.substr(1));
    }
    return text;
  }

  static inline const std::string kHidden;
  std::string_view root_;
  bool check_quantities_;
  std::string_view valid_member_;  // at the top: taken as valid, not visited
  std::vector<Step> path_;
  std::vector<std::string> violations_;
  std::size_t count_ = 0;
  std::optional<ApiError> inconsistent_;
};

}  // namespace

Check Validate(const Json& value, ShapeId shape, std::string_view root, std::string_view valid_member) {
  const ProtocolKind protocol = ServiceOf(Shape(shape)).protocol;
  Validator validator(root, protocol == ProtocolKind::kRestXml, valid_member);
  validator.Visit(value, shape);
  return validator.Result(protocol);
}

Check Validate(const Json& value, ShapeId shape, std::string_view root) { return Validate(value, shape, root, {}); }

}  // namespace cfl::model
