#include "emulator/codec/encoded_views.h"

#include <limits>

#include "emulator/common/bounded_cache.h"
#include "emulator/codec/xml_codec.h"

namespace cfl::handlers {
namespace {

BoundedCache<std::string>& EncodedVersions() {
  static BoundedCache<std::string> cache(4096);
  return cache;
}

// Everything an encoded view depends on. The document is hashed, not only
// its etag trusted: a state snapshot may load other content under an etag
// seen before. Metadata (tags, ...) changes without a new version.
std::string VersionKey(const RequestContext& ctx, const store::Record& record, model::ShapeId shape,
                       std::string_view variant) {
  const std::hash<std::string_view> hash;
  std::string key = std::to_string(shape);
  for (const std::string* part : {&record.account, &record.kind, &record.id, &record.etag}) {
    key.append(1, '\0').append(*part);
  }
  key.append(1, '\0').append(std::to_string(record.modified_ms));
  key.append(1, '\0').append(record.settles_at_ms <= ctx.now_ms ? "settled" : "settling");
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

Json EncodedView(const RequestContext& ctx, const store::Record& record, model::ShapeId shape, std::string_view variant,
                 const std::function<Json(const Resource&)>& render) {
  std::string key = VersionKey(ctx, record, shape, variant);
  auto encoded = EncodedVersions().Find(key);
  if (!encoded) {
    encoded = std::make_shared<const std::string>(model::EncodeXmlContent(render(ResourceOf(record)), shape));
    EncodedVersions().Insert(std::move(key), encoded);
  }
  return model::PreEncodedXml(*encoded);
}

std::string EncodedPages::Key(const RequestContext& ctx, std::string_view operation, const Json& input) {
  std::string key(operation);
  key.append(1, '\0').append(ctx.account);
  key.append(1, '\0').append(std::to_string(ctx.services.store.Generation()));
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

std::optional<Json> EncodedPages::Find(const RequestContext& ctx, const std::string& key) {
  const auto page = Pages().Find(key);
  if (!page || ctx.now_ms < page->valid_from_ms || ctx.now_ms >= page->valid_until_ms) return std::nullopt;
  return model::PreEncodedXml(page->content);
}

void EncodedPages::Keep(const RequestContext& ctx, std::string key, const std::vector<store::Record>& records,
                        std::string content) {
  EncodedPage page{std::move(content), std::numeric_limits<std::int64_t>::min(),
                   std::numeric_limits<std::int64_t>::max()};
  for (const auto& record : records) {
    if (record.settles_at_ms <= ctx.now_ms) {
      page.valid_from_ms = std::max(page.valid_from_ms, record.settles_at_ms);
    } else {
      page.valid_until_ms = std::min(page.valid_until_ms, record.settles_at_ms);
    }
  }
  Pages().Insert(std::move(key), std::make_shared<const EncodedPage>(std::move(page)));
}

}  // namespace cfl::handlers
