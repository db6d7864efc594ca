#include "emulator/codec/encoded_views.h"

#include <limits>

#include "emulator/common/bounded_cache.h"
#include "emulator/codec/xml_codec.h"

namespace cfl::model {
namespace {

BoundedCache<std::string>& EncodedVersions() {
  static BoundedCache<std::string> cache(4096);
  return cache;
}

// Everything an encoded view depends on. The document is hashed, not only
// its etag trusted: a state snapshot may load other content under an etag
// seen before. Metadata (tags, ...) changes without a new version.
std::string VersionKey(std::int64_t now_ms, const store::Record& record, ShapeId shape, std::string_view variant) {
  const std::hash<std::string_view> hash;
  std::string key = std::to_string(shape);
  for (const std::string* part : {&record.account, &record.kind, &record.id, &record.etag}) {
    key.append(1, '\0').append(*part);
  }
  key.append(1, '\0').append(std::to_string(record.modified_ms));
  key.append(1, '\0').append(record.settles_at_ms <= now_ms ? "settled" : "settling");
  key.append(1, '\0').append(std::to_string(hash(record.document)));
  key.append(1, '\0').append(std::to_string(hash(record.metadata)));
  key.append(1, '\0').append(variant);
  return key;
}

// An encoded page and the times it is good for: every record that had
// settled at reading time settled at or before valid_from, and none of the
// others settles before valid_until.
struct EncodedPage {
  std::string content;
  std::int64_t valid_from_ms;
  std::int64_t valid_until_ms;
};

BoundedCache<EncodedPage>& Pages() {
  static BoundedCache<EncodedPage> cache(256);
  return cache;
}

}  // namespace

Json EncodedView(std::int64_t now_ms, const store::Record& record, ShapeId shape, std::string_view variant,
                 const std::function<Json()>& render) {
  std::string key = VersionKey(now_ms, record, shape, variant);
  auto encoded = EncodedVersions().Find(key);
  if (!encoded) {
    encoded = std::make_shared<const std::string>(EncodeXmlContent(render(), shape));
    EncodedVersions().Insert(std::move(key), encoded);
  }
  return PreEncodedXml(*encoded);
}

std::string EncodedPages::Key(std::uint64_t generation, std::string_view account, std::string_view operation,
                              const Json& input) {
  std::string key(operation);
  key.append(1, '\0').append(account);
  key.append(1, '\0').append(std::to_string(generation));
  // All of the input as sent, byte for byte and length-prefixed (a query may
  // hold any bytes, NUL and invalid UTF-8 included, so no JSON text of it):
  // two spellings of one page are two entries, which is harmless.
  for (const auto& [name, value] : input.items()) {
    const std::string text = value.is_string() ? value.get_ref<const std::string&>()
                                               : value.dump(-1, ' ', false, Json::error_handler_t::replace);
    key.append(1, '\0').append(name).append(1, '=').append(std::to_string(text.size())).append(1, ':').append(text);
  }
  return key;
}

std::optional<Json> EncodedPages::Find(std::int64_t now_ms, const std::string& key) {
  const auto page = Pages().Find(key);
  if (!page || now_ms < page->valid_from_ms || now_ms >= page->valid_until_ms) return std::nullopt;
  return PreEncodedXml(page->content);
}

void EncodedPages::Keep(std::int64_t now_ms, std::string key, const std::vector<store::Record>& records,
                        std::string content) {
  EncodedPage page{std::move(content), std::numeric_limits<std::int64_t>::min(),
                   std::numeric_limits<std::int64_t>::max()};
  for (const auto& record : records) {
    if (record.settles_at_ms <= now_ms) {
      page.valid_from_ms = std::max(page.valid_from_ms, record.settles_at_ms);
    } else {
      page.valid_until_ms = std::min(page.valid_until_ms, record.settles_at_ms);
    }
  }
  Pages().Insert(std::move(key), std::make_shared<const EncodedPage>(std::move(page)));
}

}  // namespace cfl::model
