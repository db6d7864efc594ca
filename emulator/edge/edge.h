// The edge: serves viewer requests through distributions. Finds the
// distribution (Host or /_edge/<id>/), takes its last deployed config on the
// injected clock, picks the cache behavior, refuses what CloudFront refuses
// (unknown host, disabled, method not allowed, https-only on HTTP), redirects
// redirect-to-https, answers from its cache while an object is fresh on the
// injected clock (and not covered by a completed invalidation), else fetches
// from the behavior's origin (custom, or S3 through --s3-endpoint, signed
// for an origin access control or as a legacy origin access identity); runs
// a behavior's CloudFront Functions (viewer-request before the cache,
// viewer-response on the answer: edge_functions.h); logs every request
// (access_log.h). CloudFront's viewer headers are added (geo.h) when a
// function or a policy may read them; a geographic restriction refuses by
// country; a primary distribution's continuous deployment policy may hand
// the request to its staging distribution's deployed config
// (staging_traffic.h). A HEAD gets a GET's headers and Content-Length.
//
// Thread-safe: Serve runs on any number of threads. It reads distributions
// through the store (never the API's XML), holds no lock of its own while an
// origin answers, and never throws.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "emulator/common/json.h"

#include "emulator/common/clock.h"
#include "emulator/edge/access_log.h"
#include "emulator/edge/cache.h"
#include "emulator/edge/caching.h"
#include "emulator/edge/distribution_index.h"
#include "emulator/edge/edge_types.h"
#include "emulator/edge/geo.h"
#include "emulator/edge/s3_origin.h"
#include "emulator/edge/staging_traffic.h"
#include "store/store.h"

namespace cfl::edge {

class EdgeFunctions;

struct EdgeSettings {
  // Origin domain → "host:port" to connect to instead (--origin-address).
  std::map<std::string, std::string> origin_addresses;
  // An origin answer longer than this is not relayed (502).
  std::size_t max_origin_body = std::size_t{64} << 20;
  // The longest request target (path and query) served; longer is 414.
  std::size_t max_target = 8192;
  std::size_t cache_max_entries = 10000;
  std::size_t cache_max_bytes = std::size_t{256} << 20;
  std::size_t log_capacity = 10000;  // lines GET /_emulator/edge/logs can return
  std::string log_file;              // --edge-log; "" for none
  S3Endpoint s3;                     // --s3-endpoint, --s3-credentials
};

// Parses "domain=host:port" (--origin-address); "" on success, else why not.
std::string AddOriginAddress(EdgeSettings& settings, std::string_view flag_value);

struct EdgeStats {
  std::uint64_t requests = 0;
  // Answers logged as Error: CloudFront's own (403, 502, 504, ...) and an
  // origin's 4xx/5xx relayed or served from the cache.
  std::uint64_t errors = 0;
};

class Edge {
 public:
  Edge(store::Store& store, const Clock& clock, OriginFetcher& origins, EdgeSettings settings);

  ViewerResponse Serve(const ViewerRequest& request);

  EdgeStats Stats() const;
  CacheStats CacheStatistics() const { return cache_.Stats(); }
  // Empties the cache (DELETE /_emulator/edge/cache); returns how many objects went.
  std::size_t ClearCache() { return cache_.Clear(); }
  AccessLog& log() { return log_; }
  // The HTTPS listener's port, named by redirect-to-https's Location (443 until set).
  void SetHttpsPort(int port) { https_port_ = port; }
  // CloudFront Functions on the request path (edge_functions.h); null: none
  // run. Set before the first request, never changed.
  void UseFunctions(EdgeFunctions* functions) { functions_ = functions; }
  EdgeFunctions* functions() const { return functions_; }
  // Where viewers without X-Cfl-Viewer-* headers are (PUT /_emulator/edge/viewer).
  void SetViewerProfile(ViewerLocation profile);
  std::shared_ptr<const ViewerLocation> ViewerProfile() const;
  // Continuous deployment's weighted draws (PUT /_emulator/edge/traffic).
  StagingTraffic& staging_traffic() { return staging_traffic_; }

  // The POP name in X-Amz-Cf-Pop and the Via host.
  static constexpr std::string_view kPop = "LCL1-C1";

 private:
  struct Served;
  ViewerResponse Route(const ViewerRequest& request, Served& served);
  // The request with CloudFront's viewer headers (geo.h), for the viewer's location.
  ViewerRequest WithViewerHeaders(const ViewerRequest& request) const;
  std::shared_ptr<const cfl::Json> StagingConfigFor(const cfl::Json& primary_config,
                                                         const ViewerRequest& request, Served& served);
  ViewerResponse WithCustomErrorPage(const ViewerRequest& request, Served& served, const cfl::Json& config,
                                    ViewerResponse response);
  std::variant<OriginResponse, ViewerResponse> FetchFrom(const cfl::Json& origin, const ViewerRequest& request,
                                                         Served& served, const std::string& path,
                                                         const std::string& forwarded_query,
                                                         const RequestParts& key_parts,
                                                         const RequestParts& forwarded_parts,
                                                         const Headers& validators);
  void SignForOriginAccessControl(const cfl::Json& origin, const ViewerRequest& request, const Served& served,
                                  const std::string& region, const std::string& host_header, OriginRequest& fetch);
  ViewerResponse Refreshed(Served& served, const CachedObject& stale,
                           const OriginResponse& not_modified, const std::string& cache_key,
                           const TtlBounds& ttl_bounds);
  ViewerResponse FromOrigin(const ViewerRequest& request, Served& served, const cfl::Json& config,
                            const cfl::Json& behavior, const std::string& path, const std::string& query);

  store::Store& store_;
  const Clock& clock_;
  OriginFetcher& origins_;
  const EdgeSettings settings_;
  DistributionIndex index_;
  EdgeCache cache_;
  AccessLog log_;
  EdgeFunctions* functions_ = nullptr;
  StagingTraffic staging_traffic_;
  mutable std::mutex viewer_mutex_;
  std::shared_ptr<const ViewerLocation> viewer_profile_;  // guarded by viewer_mutex_; never null
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<int> https_port_{443};
};

}  // namespace cfl::edge
