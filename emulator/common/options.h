// Command-line options of cloudfront-local.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cfl {

inline constexpr int kDefaultPort = 4750;  // clear of LocalStack 4566, moto 5000, DynamoDB Local 8000

struct Options {
  std::string host = "127.0.0.1";
  int port = kDefaultPort;
  std::string db;  // "" = in memory
  double propagation_delay_seconds = 0;
  double invalidation_delay_seconds = 0;
  std::string account_id = "123456789012";
  std::int64_t max_distributions = 500;
  std::string log_level = "info";  // debug, info, warn, error
  int threads = 64;
  bool control_api = true;
  // When set, /_emulator requests (but GET /_emulator/health) must carry
  // "Authorization: Bearer TOKEN". "" = the control plane is open.
  std::string control_token;
  std::vector<std::string> fixtures;
  std::int64_t journal_size = 1000;
  bool verify_signatures = false;
  std::vector<std::string> credentials;  // ACCESS_KEY:SECRET[:ACCOUNT], as given
  std::string credentials_file;          // "" = none
  // The edge (emulator/edge/): serves viewers through distributions.
  bool edge = true;
  int edge_port = 0;  // 0 = a free port picked at start
  std::vector<std::string> origin_addresses;  // DOMAIN=HOST:PORT, as given
  std::string edge_log;                       // --edge-log FILE; "" = none
  int edge_https_port = 0;                    // 0 = a free port picked at start
  std::string edge_cert, edge_key;            // --edge-cert/--edge-key; "" = generated at start
  std::string edge_ca_out;                    // --edge-ca-out FILE; "" = not written
  std::string origin_ca;                      // --origin-ca FILE; "" = the system's CAs only
  std::string s3_endpoint;                    // --s3-endpoint URL; "" = S3 origins answer 502
  std::string s3_credentials = "S3RVER:S3RVER";  // --s3-credentials KEY:SECRET (OAC signing)
  std::int64_t function_time_limit_ms = 50;  // per run of a CloudFront function
  std::int64_t function_memory_limit_mb = 16;
  std::string njs = "njs";                   // the njs binary that runs functions
  std::string s3_dir;                        // --s3-dir: stands for S3 (trust stores' CA bundles); "" = none
};

struct OptionsExit {
  int code;             // 0 for --help/--version, 2 for a usage error
  std::string message;  // what to print (stdout for 0, stderr otherwise)
};

std::variant<Options, OptionsExit> ParseOptions(int argc, const char* const argv[]);

std::string UsageText();

}  // namespace cfl
