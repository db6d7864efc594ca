#include "emulator/common/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

namespace cfl {
namespace {

using Setter = std::function<std::string(Options&, std::string_view)>;  // returns an error or ""

template <typename Number>
bool ParseNumber(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

std::string SetSeconds(double& target, std::string_view value, std::string_view flag) {
  double seconds = -1;
  if (!ParseNumber(value, seconds) || !std::isfinite(seconds) || seconds < 0) {
    return std::string(flag) + " needs a number of seconds >= 0, got '" + std::string(value) + "'";
  }
  target = seconds;
  return "";
}

template <typename Number>
std::string SetInteger(Number& target, std::string_view value, std::string_view flag, Number min, Number max) {
  Number number{};
  if (!ParseNumber(value, number) || number < min || number > max) {
    return std::string(flag) + " needs an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
           "], got '" + std::string(value) + "'";
  }
  target = number;
  return "";
}

const std::map<std::string_view, Setter>& ValueFlags() {
  static const std::map<std::string_view, Setter> flags = {
      {"--host", [](Options& o, std::string_view v) { o.host = v; return std::string(); }},
      {"--port", [](Options& o, std::string_view v) { return SetInteger(o.port, v, "--port", 0, 65535); }},
      {"--db", [](Options& o, std::string_view v) { o.db = v; return std::string(); }},
      {"--propagation-delay",
       [](Options& o, std::string_view v) { return SetSeconds(o.propagation_delay_seconds, v, "--propagation-delay"); }},
      {"--invalidation-delay",
       [](Options& o, std::string_view v) { return SetSeconds(o.invalidation_delay_seconds, v, "--invalidation-delay"); }},
      {"--account-id",
       [](Options& o, std::string_view v) {
         if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string_view::npos) {
           return "--account-id needs 12 digits, got '" + std::string(v) + "'";
         }
         o.account_id = v;
         return std::string();
       }},
      {"--max-distributions",
       [](Options& o, std::string_view v) {
         return SetInteger<std::int64_t>(o.max_distributions, v, "--max-distributions", 0, 1'000'000'000);
       }},
      {"--log-level",
       [](Options& o, std::string_view v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return "--log-level is one of debug, info, warn, error; got '" + std::string(v) + "'";
         }
         o.log_level = v;
         return std::string();
       }},
      {"--threads", [](Options& o, std::string_view v) { return SetInteger(o.threads, v, "--threads", 1, 1024); }},
      {"--fixtures", [](Options& o, std::string_view v) { o.fixtures.emplace_back(v); return std::string(); }},
      {"--journal-size",
       [](Options& o, std::string_view v) {
         return SetInteger<std::int64_t>(o.journal_size, v, "--journal-size", 0, 1'000'000);
       }},
      {"--credentials", [](Options& o, std::string_view v) { o.credentials.emplace_back(v); return std::string(); }},
      {"--control-token",
       [](Options& o, std::string_view v) {
         const bool printable = std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7f; });
         if (v.empty() || v.size() > 256 || !printable) {
           return std::string("--control-token needs 1 to 256 printable characters without spaces");
         }
         o.control_token = v;
         return std::string();
       }},
      {"--edge-port", [](Options& o, std::string_view v) { return SetInteger(o.edge_port, v, "--edge-port", 0, 65535); }},
      {"--edge-log", [](Options& o, std::string_view v) { o.edge_log = v; return std::string(); }},
      {"--edge-https-port",
       [](Options& o, std::string_view v) { return SetInteger(o.edge_https_port, v, "--edge-https-port", 0, 65535); }},
      {"--edge-cert", [](Options& o, std::string_view v) { o.edge_cert = v; return std::string(); }},
      {"--edge-key", [](Options& o, std::string_view v) { o.edge_key = v; return std::string(); }},
      {"--edge-ca-out", [](Options& o, std::string_view v) { o.edge_ca_out = v; return std::string(); }},
      {"--origin-ca", [](Options& o, std::string_view v) { o.origin_ca = v; return std::string(); }},
      {"--origin-address",
       [](Options& o, std::string_view v) {
         const auto equals = v.find('=');
         if (equals == std::string_view::npos || equals == 0 || v.find(':', equals) == std::string_view::npos) {
           return "--origin-address needs DOMAIN=HOST:PORT (e.g. api.example.com=127.0.0.1:8080), got '" +
                  std::string(v) + "'";
         }
         o.origin_addresses.emplace_back(v);
         return std::string();
       }},
      {"--s3-endpoint", [](Options& o, std::string_view v) { o.s3_endpoint = v; return std::string(); }},
      {"--s3-credentials", [](Options& o, std::string_view v) { o.s3_credentials = v; return std::string(); }},
      {"--credentials-file", [](Options& o, std::string_view v) { o.credentials_file = v; return std::string(); }},
      {"--function-time-limit-ms",
       [](Options& o, std::string_view v) {
         return SetInteger<std::int64_t>(o.function_time_limit_ms, v, "--function-time-limit-ms", 1, 60'000);
       }},
      {"--function-memory-limit-mb",
       [](Options& o, std::string_view v) {
         return SetInteger<std::int64_t>(o.function_memory_limit_mb, v, "--function-memory-limit-mb", 1, 1024);
       }},
      {"--njs", [](Options& o, std::string_view v) { o.njs = v; return std::string(); }},
      {"--s3-dir", [](Options& o, std::string_view v) { o.s3_dir = v; return std::string(); }},
  };
  return flags;
}

}  // namespace

std::string UsageText() {
  return "Usage: cloudfront-local [options]\n"
         "A local emulator of the Amazon CloudFront API (2020-05-31).\n\n"
         "  --host HOST                 address to bind (default 127.0.0.1)\n"
         "  --port PORT                 port to listen on; 0 picks a free one (default 4750)\n"
         "  --db PATH                   keep state in this SQLite file (default: in memory, fresh each start)\n"
         "  --propagation-delay SECONDS InProgress -> Deployed after this long (decimal, default 0)\n"
         "  --invalidation-delay SECONDS invalidations InProgress -> Completed after this long (default 0)\n"
         "  --account-id ID             account of unsigned requests and non-12-digit access keys\n"
         "                              (default 123456789012)\n"
         "  --max-distributions N       distributions per account before TooManyDistributions (default 500)\n"
         "  --fixtures PATH             load state from a file or directory at start (repeatable)\n"
         "  --journal-size N            API calls kept by GET /_emulator/requests (default 1000)\n"
         "  --no-control-api            turn off the /_emulator control plane\n"
         "  --control-token TOKEN       /_emulator requests need 'Authorization: Bearer TOKEN'\n"
         "                              (default: $CFL_CONTROL_TOKEN, else none: open to anyone who\n"
         "                              can connect)\n"
         "  --verify-signatures         check SigV4 signatures against the configured credentials;\n"
         "                              a bad one is a 403 as in AWS (default: any signature passes)\n"
         "  --credentials KEY:SECRET[:ACCOUNT]\n"
         "                              an access key, its secret and account (repeatable); without\n"
         "                              ACCOUNT a 12-digit key is its own account, else --account-id\n"
         "  --credentials-file PATH     one 'ACCESS_KEY SECRET [ACCOUNT]' per line, # comments\n"
         "  --edge-port PORT            the edge's HTTP port: viewers reach distributions there\n"
         "                              (default: a free port, shown in GET /_emulator/health)\n"
         "  --no-edge                   do not serve viewers (no edge listener)\n"
         "  --edge-log FILE             append the edge's access log (CloudFront's standard format)\n"
         "  --edge-https-port PORT      the edge's HTTPS port (default: a free port, shown in health)\n"
         "  --edge-cert FILE --edge-key FILE\n"
         "                              the HTTPS edge's certificate chain and key (PEM); default: a CA\n"
         "                              generated at start issues a certificate for every host name\n"
         "  --edge-ca-out FILE          write that CA's certificate (PEM) here (also GET /_emulator/edge/ca.pem)\n"
         "  --origin-ca FILE            trust these CA certificates (PEM) for HTTPS origins, besides the system's\n"
         "  --origin-address DOMAIN=HOST:PORT\n"
         "                              the edge connects to HOST:PORT for origins named DOMAIN (repeatable)\n"
         "  --s3-endpoint URL           fetch S3 origins path-style from this S3-compatible server\n"
         "                              (http://HOST:PORT, e.g. s3rver or MinIO; default: S3 origins 502)\n"
         "  --s3-credentials KEY:SECRET the keys that sign for origin access controls (default S3RVER:S3RVER)\n"
         "  --function-time-limit-ms N  CPU time of one run of a CloudFront function (default 50)\n"
         "  --function-memory-limit-mb N memory one run may allocate (default 16)\n"
         "  --njs PATH                  the njs binary that runs functions (default: njs in PATH)\n"
         "  --s3-dir DIR                stands for S3: trust stores read the CA bundle s3://BUCKET/KEY\n"
         "                              from DIR/BUCKET/KEY (default: none, bundles are not read)\n"
         "  --threads N                 requests served at once, at most (worker threads, default 64)\n"
         "  --log-level LEVEL           debug, info (one line per request), warn, error (default info)\n"
         "  --help                      print this help\n"
         "  --version                   print the version\n";
}

std::variant<Options, OptionsExit> ParseOptions(int argc, const char* const argv[]) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return OptionsExit{0, UsageText()};
    if (arg == "--version") return OptionsExit{0, std::string("cloudfront-local ") + CFL_VERSION + "\n"};
    if (arg == "--no-control-api") {
      options.control_api = false;
      continue;
    }
    if (arg == "--no-edge") {
      options.edge = false;
      continue;
    }
    if (arg == "--verify-signatures") {
      options.verify_signatures = true;
      continue;
    }
    std::string_view value;
    const auto equals = arg.find('=');
    if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    }
    const auto flag = ValueFlags().find(arg);
    if (flag == ValueFlags().end()) return OptionsExit{2, "unknown option " + std::string(arg) + "\n" + UsageText()};
    if (equals == std::string_view::npos) {
      if (i + 1 >= argc) return OptionsExit{2, std::string(arg) + " needs a value\n"};
      value = argv[++i];
    }
    if (auto error = flag->second(options, value); !error.empty()) return OptionsExit{2, error + "\n"};
  }
  if (options.verify_signatures && options.credentials.empty() && options.credentials_file.empty()) {
    return OptionsExit{2, "--verify-signatures needs credentials to check against: --credentials "
                          "ACCESS_KEY:SECRET[:ACCOUNT] (repeatable) or --credentials-file PATH\n"};
  }
  return options;
}

}  // namespace cfl
