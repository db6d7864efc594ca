// Load generator for tests/bench/run.sh: keep-alive connections to 127.0.0.1,
// one thread per connection, every request timed (exact p50/p99 from all
// samples, no histogram buckets).
//
//   load_generator get     --port P --path PATH [--connections 16] [--seconds 5]
//                          [--method PUT --body-bytes N]   (e.g. against the ceiling server)
//                          [--body-file PATH] [--header "If-Match: E1"]
//   load_generator update  --port P [--connections 16] [--seconds 5] [--prefix REF]
//   load_generator create  --port P --count N [--connections 16] [--prefix REF]
//   load_generator pages   --port P [--max-items 100] [--repeats 15]
//   load_generator trickle --port P [--connections 2000] [--seconds 5] [--interval-ms 1000]
//                          slow clients: each sends a request one byte per interval;
//                          a connection the server closes (408 at its deadline) is
//                          opened again, so the number trickling stays constant
//
// Each prints lines starting with "BENCH " made of key=value pairs.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "tests/bench/bench_http.h"

namespace cfl::bench {
namespace {

constexpr std::string_view kApi = "/2020-05-31/distribution";
constexpr double kWarmupSeconds = 0.5;

using Flags = std::map<std::string, std::string>;

std::string Flag(const Flags& flags, const std::string& name, const std::string& fallback = "") {
  const auto it = flags.find(name);
  if (it != flags.end()) return it->second;
  if (fallback.empty()) {
    std::fprintf(stderr, "load_generator: --%s is required\n", name.c_str());
    std::exit(2);
  }
  return fallback;
}

int IntFlag(const Flags& flags, const std::string& name, const std::string& fallback = "") {
  return std::atoi(Flag(flags, name, fallback).c_str());
}

// A minimal valid DistributionConfig; updates must keep the CallerReference.
std::string DistributionXml(const std::string& caller_reference, const std::string& comment) {
  return "<DistributionConfig xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
         "<CallerReference>" + caller_reference + "</CallerReference>"
         "<Origins><Quantity>1</Quantity><Items><Origin><Id>o1</Id>"
         "<DomainName>my-bucket.s3.us-east-1.amazonaws.com</DomainName>"
         "<S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig>"
         "</Origin></Items></Origins>"
         "<DefaultCacheBehavior><TargetOriginId>o1</TargetOriginId>"
         "<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>"
         "<CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId>"
         "</DefaultCacheBehavior>"
         "<Comment>" + comment + "</Comment><Enabled>true</Enabled></DistributionConfig>";
}

std::string Element(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const auto start = xml.find(open);
  if (start == std::string_view::npos) return {};
  const auto end = xml.find(close, start);
  if (end == std::string_view::npos) return {};
  return std::string(xml.substr(start + open.size(), end - start - open.size()));
}

std::size_t Count(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// Nearest-rank percentile of sorted samples.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return Percentile(samples, 50);
}

// What the timed loops of all connections recorded after the warm-up.
struct Samples {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::int64_t errors = 0;
  std::string first_error;

  void Merge(std::vector<double>& mine, std::int64_t my_errors, const std::string& my_first_error) {
    std::lock_guard lock(mutex);
    latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    errors += my_errors;
    if (first_error.empty()) first_error = my_first_error;
  }

  void Print(double measured_seconds) {
    std::sort(latencies_ms.begin(), latencies_ms.end());
    std::printf("BENCH requests=%zu seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%lld\n",
                latencies_ms.size(), measured_seconds,
                static_cast<double>(latencies_ms.size()) / measured_seconds, Percentile(latencies_ms, 50),
                Percentile(latencies_ms, 99), latencies_ms.empty() ? 0.0 : latencies_ms.back(),
                static_cast<long long>(errors));
    if (!first_error.empty()) std::fprintf(stderr, "load_generator: first error: %s\n", first_error.c_str());
  }
};

// On each of `connections` threads: setup(index, connection, error) once, then
// body(index, connection, first_error) in a loop until the deadline, timing
// each call. body performs one request and says whether it succeeded. Samples
// taken during the warm-up are dropped.
template <typename Setup, typename Body>
int RunTimed(int port, int connections, double seconds, Setup setup, Body body) {
  Samples samples;
  const auto started = Clock::now();
  const auto measure_from = started + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(kWarmupSeconds));
  const auto deadline = measure_from + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(seconds));
  std::atomic<int> failed_setups = 0;
  std::vector<std::thread> threads;
  for (int index = 0; index < connections; ++index) {
    threads.emplace_back([&, index] {
      HttpConnection connection;
      std::string error;
      if (!connection.Connect(port) || !setup(index, connection, error)) {
        ++failed_setups;
        std::vector<double> none;
        samples.Merge(none, 1, error.empty() ? "setup failed" : error);
        return;
      }
      std::vector<double> latencies;
      latencies.reserve(1 << 16);
      std::int64_t errors = 0;
      std::string first_error;
      while (true) {
        const auto sent = Clock::now();
        if (sent >= deadline) break;
        const bool ok = body(index, connection, first_error);
        const double ms = MillisSince(sent);
        if (sent < measure_from) continue;
        if (ok) {
          latencies.push_back(ms);
        } else {
          ++errors;
          if (!connection.connected() && !connection.Connect(port)) break;
        }
      }
      samples.Merge(latencies, errors, first_error);
    });
  }
  for (auto& thread : threads) thread.join();
  samples.Print(seconds);
  return failed_setups == 0 ? 0 : 1;
}

int Get(const Flags& flags) {
  const int port = IntFlag(flags, "port");
  const std::string path = Flag(flags, "path");
  const std::string method = Flag(flags, "method", "GET");
  std::string body(static_cast<std::size_t>(IntFlag(flags, "body-bytes", "0")), 'x');
  if (flags.contains("body-file")) {
    const std::string& file = flags.at("body-file");
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "load_generator: cannot read %s\n", file.c_str());
      return 1;
    }
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // One extra header line ("If-Match: E123"), e.g. for TestFunction.
  const std::string header = flags.contains("header") ? flags.at("header") + "\r\n" : "";
  return RunTimed(
      port, IntFlag(flags, "connections", "16"), std::atof(Flag(flags, "seconds", "5").c_str()),
      [](int, HttpConnection&, std::string&) { return true; },
      [&](int, HttpConnection& connection, std::string& first_error) {
        HttpResponse response;
        if (!connection.RoundTrip(method, path, header, body, response)) {
          if (first_error.empty()) first_error = "transport error on " + method + " " + path;
          return false;
        }
        if (response.status != 200) {
          if (first_error.empty()) {
            first_error = method + " " + path + " answered " + std::to_string(response.status);
          }
          return false;
        }
        return true;
      });
}

// Each connection creates its own distribution, then updates it again and
// again, each time with the ETag the previous update returned.
int Update(const Flags& flags) {
  const int port = IntFlag(flags, "port");
  const int connections = IntFlag(flags, "connections", "16");
  const std::string prefix = Flag(flags, "prefix", "bench-update");
  struct Chain {
    std::string path, etag, body;
  };
  std::vector<Chain> chains(static_cast<std::size_t>(connections));
  std::size_t response_bytes = 0;  // written by connection 0 only
  const int status = RunTimed(
      port, connections, std::atof(Flag(flags, "seconds", "5").c_str()),
      [&](int index, HttpConnection& connection, std::string& error) {
        Chain& chain = chains[static_cast<std::size_t>(index)];
        const std::string reference = prefix + "-" + std::to_string(index);
        chain.body = DistributionXml(reference, "bench update");
        HttpResponse response;
        if (!connection.RoundTrip("POST", kApi, "", chain.body, response) || response.status != 201) {
          error = "create for the update chain answered " + std::to_string(response.status) + ": " +
                  response.body.substr(0, 300);
          return false;
        }
        chain.path = std::string(kApi) + "/" + Element(response.body, "Id") + "/config";
        chain.etag = response.etag;
        return true;
      },
      [&](int index, HttpConnection& connection, std::string& first_error) {
        Chain& chain = chains[static_cast<std::size_t>(index)];
        HttpResponse response;
        const std::string if_match = "If-Match: " + chain.etag + "\r\n";
        if (!connection.RoundTrip("PUT", chain.path, if_match, chain.body, response)) {
          if (first_error.empty()) first_error = "transport error on PUT";
          return false;
        }
        if (response.status != 200 || response.etag.empty()) {
          if (first_error.empty()) {
            first_error = "PUT answered " + std::to_string(response.status) + ": " + response.body.substr(0, 300);
          }
          return false;
        }
        chain.etag = response.etag;
        if (index == 0 && response_bytes == 0) response_bytes = response.body.size();
        return true;
      });
  // What a bare HTTP server must move per update, for run.sh's HTTP ceiling.
  std::printf("BENCH update_sizes request_bytes=%zu response_bytes=%zu\n", chains[0].body.size(), response_bytes);
  return status;
}

int Create(const Flags& flags) {
  const int port = IntFlag(flags, "port");
  const int count = IntFlag(flags, "count");
  const int connections = IntFlag(flags, "connections", "16");
  const std::string prefix = Flag(flags, "prefix", "bench-create");
  std::atomic<int> next = 0;
  std::atomic<int> errors = 0;
  std::mutex error_mutex;
  std::string first_error;
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&] {
      HttpConnection connection;
      HttpResponse response;
      for (int index = next++; index < count; index = next++) {
        if (!connection.connected() && !connection.Connect(port)) {
          ++errors;
          continue;
        }
        const std::string body = DistributionXml(prefix + "-" + std::to_string(index), "bench");
        if (!connection.RoundTrip("POST", kApi, "", body, response) || response.status != 201) {
          ++errors;
          std::lock_guard lock(error_mutex);
          if (first_error.empty()) {
            first_error = "create answered " + std::to_string(response.status) + ": " + response.body.substr(0, 300);
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = MillisSince(started) / 1000.0;
  std::printf("BENCH created=%d seconds=%.3f rps=%.1f errors=%d\n", count - errors.load(), seconds,
              (count - errors.load()) / seconds, errors.load());
  if (!first_error.empty()) std::fprintf(stderr, "load_generator: first error: %s\n", first_error.c_str());
  return errors == 0 ? 0 : 1;
}

// Walks every page once to learn the markers, then times the pages at five
// positions, interleaved round-robin so drift affects them all alike.
int Pages(const Flags& flags) {
  const int port = IntFlag(flags, "port");
  const std::string max_items = Flag(flags, "max-items", "100");
  const int repeats = IntFlag(flags, "repeats", "15");
  HttpConnection connection;
  if (!connection.Connect(port)) {
    std::fprintf(stderr, "load_generator: cannot connect to port %d\n", port);
    return 1;
  }
  auto page_path = [&](const std::string& marker) {
    std::string path = std::string(kApi) + "?MaxItems=" + max_items;
    if (!marker.empty()) path += "&Marker=" + marker;
    return path;
  };
  std::vector<std::string> markers;  // markers[i] fetches page i
  std::vector<double> walk_ms;
  std::size_t items = 0;
  std::string marker;
  const auto walk_started = Clock::now();
  while (true) {
    HttpResponse response;
    const auto sent = Clock::now();
    if (!connection.RoundTrip("GET", page_path(marker), "", "", response) || response.status != 200) {
      std::fprintf(stderr, "load_generator: page %zu answered %d\n", markers.size(), response.status);
      return 1;
    }
    walk_ms.push_back(MillisSince(sent));
    markers.push_back(marker);
    items += Count(response.body, "<DistributionSummary>");
    if (Element(response.body, "IsTruncated") != "true") break;
    marker = Element(response.body, "NextMarker");
  }
  const double walk_seconds = MillisSince(walk_started) / 1000.0;
  std::printf("BENCH walk pages=%zu items=%zu seconds=%.3f\n", markers.size(), items, walk_seconds);

  const std::size_t last = markers.size() - 1;
  const std::vector<std::pair<int, std::size_t>> positions = {
      {0, 0}, {25, last / 4}, {50, last / 2}, {75, last * 3 / 4}, {100, last}};
  std::vector<std::vector<double>> timings(positions.size());
  for (int round = 0; round < repeats; ++round) {
    for (std::size_t p = 0; p < positions.size(); ++p) {
      HttpResponse response;
      const auto sent = Clock::now();
      if (!connection.RoundTrip("GET", page_path(markers[positions[p].second]), "", "", response) ||
          response.status != 200) {
        std::fprintf(stderr, "load_generator: timed page answered %d\n", response.status);
        return 1;
      }
      timings[p].push_back(MillisSince(sent));
    }
  }
  for (std::size_t p = 0; p < positions.size(); ++p) {
    std::printf("BENCH page position=%d index=%zu median_ms=%.3f walk_ms=%.3f\n", positions[p].first,
                positions[p].second, Median(timings[p]), walk_ms[positions[p].second]);
  }
  return 0;
}

// Opens a plain TCP connection (no reads are made on it).
int OpenSocket(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

int Trickle(const Flags& flags) {
  const int port = IntFlag(flags, "port");
  const int connections = IntFlag(flags, "connections", "2000");
  const double seconds = std::atof(Flag(flags, "seconds", "5").c_str());
  const auto interval = std::chrono::milliseconds(IntFlag(flags, "interval-ms", "1000"));
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  const std::string request = "GET " + std::string(kApi) + " HTTP/1.1\r\nHost: bench\r\nX-Slow: " +
                              std::string(64, 's') + "\r\n\r\n";
  struct Slow {
    int fd = -1;
    std::size_t sent = 0;
  };
  std::vector<Slow> slow(static_cast<std::size_t>(connections));
  int reopened = 0;
  int failed = 0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(seconds));
  for (bool first = true; Clock::now() < deadline; first = false) {
    const auto round = Clock::now();
    for (auto& client : slow) {
      if (client.fd < 0 || client.sent == request.size()) {
        if (client.fd >= 0) ::close(client.fd);
        client = Slow{OpenSocket(port), 0};
        if (client.fd < 0) {
          ++failed;
          continue;
        }
        if (!first) ++reopened;
      }
      if (::send(client.fd, request.data() + client.sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
        ++client.sent;
      } else {  // closed by the server (its deadline passed): start over
        ::close(client.fd);
        client.fd = -1;
      }
    }
    std::this_thread::sleep_until(round + interval);
  }
  for (auto& client : slow) {
    if (client.fd >= 0) ::close(client.fd);
  }
  std::printf("BENCH trickling=%d seconds=%.3f reopened=%d failed=%d\n", connections, seconds, reopened, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cfl::bench

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_generator get|update|create|pages|trickle --port P [--flag value]...\n");
    return 2;
  }
  cfl::bench::Flags flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (!name.starts_with("--")) {
      std::fprintf(stderr, "load_generator: unexpected argument %s\n", argv[i]);
      return 2;
    }
    flags[name.substr(2)] = argv[i + 1];
  }
  const std::string command = argv[1];
  if (command == "get") return cfl::bench::Get(flags);
  if (command == "update") return cfl::bench::Update(flags);
  if (command == "create") return cfl::bench::Create(flags);
  if (command == "pages") return cfl::bench::Pages(flags);
  if (command == "trickle") return cfl::bench::Trickle(flags);
  std::fprintf(stderr, "load_generator: unknown command %s\n", command.c_str());
  return 2;
}
