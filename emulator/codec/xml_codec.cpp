#include "emulator/codec/xml_codec.h"

#include <tinyxml2.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "emulator/codec/wire_text.h"
#include "emulator/common/clock.h"

namespace cfl::model {
namespace {

using Element = tinyxml2::XMLElement;

class ElementPath;
Result<Json, ApiError> DecodeElement(const Element& element, ShapeId shape_id, ElementPath& path);
Result<Json, ApiError> DecodeScalar(std::string_view text, const ShapeDef& shape, const ElementPath& path);

// The length of the UTF-8 character at text[i] if it is one XML 1.0 allows
// (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]),
// else 0: control characters, surrogates, overlong or broken sequences.
std::size_t XmlCharLength(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) {
    length = 1;
    code = lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length]) return 0;
  const bool allowed = code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
                       (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
  return allowed ? length : 0;
}

// A printable ASCII character that XML text carries as is.
constexpr bool IsPlainAscii(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"';
}

bool IsXmlText(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = XmlCharLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// Where the decoder is, for messages: element names from the root. Kept as
// views and joined only when something is wrong.
class ElementPath {
 public:
  explicit ElementPath(std::string_view root) { parts_.push_back(root); }
  void Push(std::string_view name) { parts_.push_back(name); }
  void Pop() { parts_.pop_back(); }
  std::string Text() const {
    std::string text;
    for (std::size_t i = 0; i < parts_.size(); ++i) text.append(i ? "/" : "").append(parts_[i]);
    return text;
  }
  std::string Child(std::string_view name) const { return Text() + "/" + std::string(name); }

 private:
  std::vector<std::string_view> parts_;
};

// Pushes a child's name for the duration of a scope.
class Descend {
 public:
  Descend(ElementPath& path, std::string_view name) : path_(path) { path_.Push(name); }
  ~Descend() { path_.Pop(); }
  Descend(const Descend&) = delete;
  Descend& operator=(const Descend&) = delete;

 private:
  ElementPath& path_;
};

Result<Json, ApiError> DecodeChild(const Element& child, ShapeId shape, ElementPath& path) {
  Descend descend(path, child.Name());
  return DecodeElement(child, shape, path);
}

bool IsFlattened(const MemberDef& member, const ShapeDef& shape) {
  return (member.Has(kMemberFlattened) || shape.Has(kFlattened)) &&
         (shape.type == ShapeType::kList || shape.type == ShapeType::kMap);
}

// One entry of a map (<entry><key>k</key><value>v</value></entry>, or the
// element itself when flattened) into object.
Result<Ok, ApiError> DecodeMapEntry(const Element& entry, const ShapeDef& map, Json& object, ElementPath& path) {
  const Element* key = entry.FirstChildElement(std::string(map.map_key_name).c_str());
  const Element* value = entry.FirstChildElement(std::string(map.map_value_name).c_str());
  for (const Element* child = entry.FirstChildElement(); child; child = child->NextSiblingElement()) {
    if (child != key && child != value) return Fail(MalformedInput("Unexpected map element " + path.Child(child->Name())));
  }
  if (!key) return Fail(MalformedInput("Missing map key in " + path.Text()));
  auto key_value = DecodeChild(*key, map.map_key, path);
  if (!key_value) return Fail(std::move(key_value).error());
  if (!key_value->is_string()) return Fail(MalformedInput("Invalid map key in " + path.Text()));
  const auto& name = key_value->get_ref<const std::string&>();
  if (object.contains(name)) return Fail(MalformedInput("Duplicate map key '" + name + "' in " + path.Text()));
  Json decoded = nullptr;
  if (value) {
    auto item = DecodeChild(*value, map.map_value, path);
    if (!item) return Fail(std::move(item).error());
    decoded = std::move(item).value();
  }
  object[name] = std::move(decoded);
  return Ok{};
}

Result<Json, ApiError> DecodeAttributes(const Element& element, const ShapeDef& shape, Json& object,
                                        ElementPath& path) {
  for (const auto& member : shape.members) {
    if (!member.Has(kXmlAttribute)) continue;
    const char* text = element.Attribute(std::string(member.wire_name).c_str());
    if (!text) continue;
    if (!IsXmlText(text)) return Fail(MalformedInput("Invalid character in " + path.Text()));
    auto value = DecodeScalar(text, Shape(member.shape), path);
    if (!value) return value;
    object[std::string(member.name)] = std::move(value).value();
  }
  return Json();
}

Result<Json, ApiError> DecodeStructure(const Element& element, const ShapeDef& shape, ElementPath& path) {
  Json object = Json::object();
  if (shape.Has(kHasXmlAttributes)) {
    if (auto attributes = DecodeAttributes(element, shape, object, path); !attributes) return attributes;
  }
  for (const Element* child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
    const std::string_view name = child->Name();
    const MemberDef* member = FindBodyMember(shape, name);
    if (!member) return Fail(MalformedInput("Unexpected element " + path.Child(name)));
    const ShapeDef& member_shape = Shape(member->shape);
    if (IsFlattened(*member, member_shape)) {
      // Each element is one item; the member has as many as there are elements.
      Json& slot = object[std::string(member->name)];
      Descend descend(path, name);
      if (member_shape.type == ShapeType::kMap) {
        if (slot.is_null()) slot = Json::object();
        if (auto entry = DecodeMapEntry(*child, member_shape, slot, path); !entry) return Fail(std::move(entry).error());
        continue;
      }
      if (slot.is_null()) slot = Json::array();
      auto item = DecodeElement(*child, member_shape.list_member, path);
      if (!item) return item;
      slot.push_back(std::move(item).value());
      continue;
    }
    if (object.contains(member->name)) return Fail(MalformedInput("Duplicate element " + path.Child(name)));
    auto value = DecodeChild(*child, member->shape, path);
    if (!value) return value;
    object[std::string(member->name)] = std::move(value).value();
  }
  return object;
}

Result<Json, ApiError> DecodeList(const Element& element, const ShapeDef& shape, ElementPath& path) {
  Json array = Json::array();
  for (const Element* child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
    if (child->Name() != shape.list_member_name) {
      return Fail(MalformedInput("Unexpected list element " + path.Child(child->Name())));
    }
    auto value = DecodeChild(*child, shape.list_member, path);
    if (!value) return value;
    array.push_back(std::move(value).value());
  }
  return array;
}

Result<Json, ApiError> DecodeMap(const Element& element, const ShapeDef& shape, ElementPath& path) {
  Json object = Json::object();
  for (const Element* child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
    if (std::string_view(child->Name()) != "entry") {
      return Fail(MalformedInput("Unexpected map element " + path.Child(child->Name())));
    }
    Descend descend(path, "entry");
    if (auto entry = DecodeMapEntry(*child, shape, object, path); !entry) return Fail(std::move(entry).error());
  }
  return object;
}

template <typename Number>
Result<Json, ApiError> ParseNumber(std::string_view text, const ElementPath& path) {
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Fail(MalformedInput("Invalid number '" + std::string(text) + "' in " + path.Text()));
  }
  return Json(number);
}

Result<Json, ApiError> DecodeScalar(std::string_view text, const ShapeDef& shape, const ElementPath& path) {
  switch (shape.type) {
    case ShapeType::kInteger:
    case ShapeType::kLong:
      return ParseNumber<std::int64_t>(text, path);
    case ShapeType::kDouble:
    case ShapeType::kFloat: {
      char* end = nullptr;
      const std::string copy(text);
      const double number = std::strtod(copy.c_str(), &end);
      if (copy.empty() || *end != '\0' || !std::isfinite(number)) {
        return Fail(MalformedInput("Invalid number '" + copy + "' in " + path.Text()));
      }
      return Json(number);
    }
    case ShapeType::kBoolean:
      if (text == "true") return Json(true);
      if (text == "false") return Json(false);
      return Fail(MalformedInput("Invalid boolean '" + std::string(text) + "' in " + path.Text()));
    case ShapeType::kTimestamp: {
      const auto ms = ParseTimestamp(text);
      if (!ms) return Fail(MalformedInput("Invalid timestamp '" + std::string(text) + "' in " + path.Text()));
      return Json(FormatIso8601(*ms));
    }
    case ShapeType::kBlob:
      if (!Base64Decode(text)) return Fail(MalformedInput("Invalid base64 in " + path.Text()));
      return Json(std::string(text));
    default:
      return Json(std::string(text));
  }
}

Result<Json, ApiError> DecodeElement(const Element& element, ShapeId shape_id, ElementPath& path) {
  const ShapeDef& shape = Shape(shape_id);
  switch (shape.type) {
    case ShapeType::kStructure:
      return DecodeStructure(element, shape, path);
    case ShapeType::kList:
      return DecodeList(element, shape, path);
    case ShapeType::kMap:
      return DecodeMap(element, shape, path);
    default:
      if (element.FirstChildElement()) return Fail(MalformedInput("Unexpected complex element " + path.Text()));
      const char* text = element.GetText();  // null for <X/>: an empty value
      // tinyxml2 lets through what a strict parser refuses (&#1;, &#xD800;,
      // raw control bytes, broken UTF-8); CloudFront's parser would not.
      if (text && !IsXmlText(text)) return Fail(MalformedInput("Invalid character in " + path.Text()));
      return DecodeScalar(text ? text : "", shape, path);
  }
}

// ---- encoding ----

void EncodeValue(std::string& out, const Json& value, std::string_view name, ShapeId shape_id,
                 const MemberDef* member = nullptr);

inline void EncodeScalarText(std::string& out, const Json& value, const ShapeDef& shape) {
  if (value.is_string()) {
    AppendXmlEscaped(out, value.get_ref<const std::string&>());
  } else if (value.is_boolean()) {
    out += value.get<bool>() ? "true" : "false";
  } else if (shape.type == ShapeType::kTimestamp && value.is_number()) {
    out += FormatIso8601(static_cast<std::int64_t>(std::llround(value.get<double>() * 1000)));  // epoch seconds
  } else if (value.is_number_integer()) {
    out += std::to_string(value.get<std::int64_t>());
  } else if (value.is_number()) {
    // The shortest text that reads back as the same double (%g kept 6 digits).
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
    out.append(buffer, written.ptr);
  }
}

void EncodeChildren(std::string& out, const Json& value, const ShapeDef& shape) {
  if (value.is_binary()) {  // PreEncodedXml
    const auto& content = value.get_binary();
    out.append(reinterpret_cast<const char*>(content.data()), content.size());
  } else if (shape.type == ShapeType::kStructure) {
    if (!value.is_object()) return;
    for (const auto& member : shape.members) {
      if (member.location != Location::kBody || member.Has(kXmlAttribute)) continue;
      const Json* found = FindJsonMember(value, member.name);
      if (found == nullptr || found->is_null()) continue;
      EncodeValue(out, *found, member.wire_name, member.shape, &member);
    }
  } else if (shape.type == ShapeType::kList) {
    if (!value.is_array()) return;
    for (const auto& item : value) EncodeValue(out, item, shape.list_member_name, shape.list_member);
  } else if (shape.type == ShapeType::kMap) {
    if (!value.is_object()) return;
    for (const auto& [key, item] : value.items()) {
      out += "<entry>";
      EncodeValue(out, key, shape.map_key_name, shape.map_key);
      EncodeValue(out, item, shape.map_value_name, shape.map_value);
      out += "</entry>";
    }
  } else {
    EncodeScalarText(out, value, shape);
  }
}

void OpenElement(std::string& out, const Json& value, std::string_view name, const ShapeDef& shape,
                 const MemberDef* member) {
  out += '<';
  out += name;
  if (member && !member->xml_namespace_uri.empty()) {
    out += member->xml_namespace_prefix.empty() ? " xmlns" : " xmlns:";
    out += member->xml_namespace_prefix;
    out += "=\"";
    AppendXmlEscaped(out, member->xml_namespace_uri);
    out += '"';
  }
  if (shape.Has(kHasXmlAttributes) && value.is_object()) {
    for (const auto& attribute : shape.members) {
      if (!attribute.Has(kXmlAttribute)) continue;
      const Json* found = FindJsonMember(value, attribute.name);
      if (found == nullptr || found->is_null()) continue;
      out += ' ';
      out += attribute.wire_name;
      out += "=\"";
      EncodeScalarText(out, *found, Shape(attribute.shape));
      out += '"';
    }
  }
  out += '>';
}

void CloseElement(std::string& out, std::string_view name) {
  out += "</";
  out += name;
  out += '>';
}

// The traits that change how a member is written; most members have none.
bool HasEncodingTraits(const MemberDef* member, const ShapeDef& shape) {
  constexpr std::uint8_t kShapeTraits = kFlattened | kHasXmlAttributes;
  return (shape.flags & kShapeTraits) != 0 ||
         (member && (member->Has(kMemberFlattened) || !member->xml_namespace_uri.empty()));
}

void EncodeWithTraits(std::string& out, const Json& value, std::string_view name, const ShapeDef& shape,
                      const MemberDef* member) {
  if (member && IsFlattened(*member, shape)) {
    if (shape.type == ShapeType::kList) {
      for (const auto& item : value) EncodeValue(out, item, name, shape.list_member);
    } else if (value.is_object()) {
      for (const auto& [key, item] : value.items()) {
        out += '<';
        out += name;
        out += '>';
        EncodeValue(out, key, shape.map_key_name, shape.map_key);
        EncodeValue(out, item, shape.map_value_name, shape.map_value);
        CloseElement(out, name);
      }
    }
    return;
  }
  OpenElement(out, value, name, shape, member);
  EncodeChildren(out, value, shape);
  CloseElement(out, name);
}

void EncodeValue(std::string& out, const Json& value, std::string_view name, ShapeId shape_id,
                 const MemberDef* member) {
  const ShapeDef& shape = Shape(shape_id);
  if (shape.type == ShapeType::kList && (!value.is_array() || value.empty())) return;
  if (HasEncodingTraits(member, shape)) [[unlikely]] {
    EncodeWithTraits(out, value, name, shape, member);
    return;
  }
  out += '<';
  out += name;
  out += '>';
  EncodeChildren(out, value, shape);
  out += "</";
  out += name;
  out += '>';
}

std::string_view NamespaceOf(ShapeId shape) {
  const std::string_view xml_namespace = ServiceOf(Shape(shape)).xml_namespace;
  return xml_namespace.empty() ? kXmlNamespace : xml_namespace;
}

}  // namespace

Result<Json, ApiError> DecodeXml(std::string_view xml, std::string_view root_name, ShapeId shape) {
  tinyxml2::XMLDocument document;
  if (document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return Fail(MalformedInput(std::string("Invalid XML: ") + document.ErrorStr()));
  }
  const Element* root = document.RootElement();
  if (!root) return Fail(MalformedInput("Invalid XML: no root element"));
  if (root->NextSiblingElement()) return Fail(MalformedInput("Invalid XML: more than one root element"));
  if (root->Name() != root_name) {
    return Fail(MalformedInput("Unexpected root element " + std::string(root->Name()) + ", expected " +
                               std::string(root_name)));
  }
  ElementPath path(root_name);
  return DecodeElement(*root, shape, path);
}

void AppendXmlEscaped(std::string& out, std::string_view text) {
  // Parsers drop text made only of whitespace (tinyxml2 skips it between
  // elements) and turn a raw CR into LF: character references survive both.
  const bool blank = !text.empty() && text.find_first_not_of(" \t\n\r") == std::string_view::npos;
  if (blank) {
    for (const char c : text) out.append("&#").append(std::to_string(static_cast<int>(c))).append(";");
    return;
  }
  // Runs of characters that need nothing are copied in one append: most text is such a run.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsPlainAscii(c) || c == '\t' || c == '\n') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t length = XmlCharLength(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    out.append(text.data() + run, i - run);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out += "\xEF\xBF\xBD"; break;  // U+FFFD: XML 1.0 cannot carry this byte at all
    }
    run = ++i;
  }
  out.append(text.data() + run, text.size() - run);
}

std::string EncodeXml(const Json& value, std::string_view root_name, ShapeId shape) {
  std::string out;
  // Pre-encoded content is most of a cached answer: grow the text once.
  out.reserve(value.is_binary() ? value.get_binary().size() + 256 : 4096);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out += root_name;
  out += " xmlns=\"";
  out += NamespaceOf(shape);
  out += "\">";
  EncodeChildren(out, value, Shape(shape));
  out += "</";
  out += root_name;
  out += '>';
  return out;
}

std::string EncodeXmlContent(const Json& value, ShapeId shape) {
  std::string out;
  EncodeChildren(out, value, Shape(shape));
  return out;
}

Result<Json, ApiError> DecodePreEncoded(const Json& value, ShapeId shape_id) {
  const ShapeDef& shape = Shape(shape_id);
  if (value.is_binary()) {
    const auto& content = value.get_binary();
    std::string xml = "<V>";
    xml.append(reinterpret_cast<const char*>(content.data()), content.size()).append("</V>");
    return DecodeXml(xml, "V", shape_id);
  }
  Json decoded = value;
  if (shape.type == ShapeType::kStructure && value.is_object()) {
    for (const auto& member : shape.members) {
      const auto it = value.find(member.name);
      if (it == value.end()) continue;
      auto child = DecodePreEncoded(*it, member.shape);
      if (!child) return child;
      decoded[std::string(member.name)] = std::move(child).value();
    }
  } else if (shape.type == ShapeType::kList && value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      auto item = DecodePreEncoded(value[i], shape.list_member);
      if (!item) return item;
      decoded[i] = std::move(item).value();
    }
  }
  return decoded;
}

Json PreEncodedXml(std::string_view content) {
  return Json::binary(Json::binary_t::container_type(content.begin(), content.end()));
}

}  // namespace cfl::model
