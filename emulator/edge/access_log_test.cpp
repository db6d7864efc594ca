#include "emulator/edge/access_log.h"

#include <doctest/doctest.h>

#include <sstream>

namespace cfl::edge {

TEST_CASE("access log: the standard format's 33 fields in order, tab-separated, '-' when empty") {
  AccessLogEntry entry;
  entry.time_ms = 1'700'000'000'123;  // 2023-11-14 22:13:20 UTC
  entry.edge_location = "LCL1-C1";
  entry.response_bytes = 512;
  entry.client_ip = "127.0.0.1";
  entry.method = "GET";
  entry.distribution_domain = "d111111abcdef8.cloudfront.net";
  entry.uri_stem = "/a b.html";
  entry.status = 200;
  entry.user_agent = "curl/7.88.1";
  entry.query = "x=1";
  entry.result_type = "Hit";
  entry.request_id = "id==";
  entry.host_header = "www.example.com";
  entry.protocol = "http";
  entry.request_bytes = 80;
  entry.time_taken_seconds = 0.0016;
  entry.protocol_version = "HTTP/1.1";
  entry.client_port = 5555;
  entry.detailed_result_type = "Hit";
  entry.content_type = "text/html";
  entry.content_length = 512;
  const std::string line = FormatAccessLogLine(entry);
  std::vector<std::string> fields;
  std::stringstream split(line);
  for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
  REQUIRE(fields.size() == AccessLogFields().size());
  REQUIRE(fields.size() == 33);
  CHECK(fields[0] == "2023-11-14");
  CHECK(fields[1] == "22:13:20");
  CHECK(fields[2] == "LCL1-C1");
  CHECK(fields[3] == "512");
  CHECK(fields[6] == "d111111abcdef8.cloudfront.net");
  CHECK(fields[7] == "/a%20b.html");
  CHECK(fields[8] == "200");
  CHECK(fields[9] == "-");
  CHECK(fields[11] == "x=1");
  CHECK(fields[13] == "Hit");
  CHECK(fields[15] == "www.example.com");
  CHECK(fields[18] == "0.002");
  CHECK(fields[26] == "5555");
  CHECK(fields[30] == "512");
  CHECK(fields[32] == "-");
}

TEST_CASE("access log: a bounded ring, newest first, filtered by distribution") {
  AccessLog log(2, "");
  for (const auto* id : {"E1", "E2", "E1"}) {
    AccessLogEntry entry;
    entry.distribution_id = id;
    entry.method = id;
    log.Record(entry);
  }
  CHECK(log.Recent("", 10).size() == 2);  // the oldest fell out
  CHECK(log.Recent("E1", 10).size() == 1);
  CHECK(log.Recent("E2", 10).size() == 1);
  CHECK(log.Recent("", 1).size() == 1);
  CHECK(log.Recent("", 1)[0].find("\tE1\t") != std::string::npos);
  log.Clear();
  CHECK(log.Recent("", 10).empty());
}

}  // namespace cfl::edge
