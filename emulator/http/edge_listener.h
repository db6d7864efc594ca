// The edge's listeners (HTTP, and HTTPS with a TlsServer): each its own port,
// the same connection loop as the API (connection_loop.h), every request
// handed to edge::Edge. And the origin fetcher the edge uses: cpp-httplib's
// client (over TLS for HTTPS origins), one connection per fetch, with the
// origin's timeouts and a bounded answer.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "emulator/common/result.h"
#include "emulator/edge/edge.h"

using X509_STORE = struct x509_store_st;

namespace cfl::http {

class TlsServer;

class EdgeListener {
 public:
  // max_workers: threads serving viewers at once (a worker waits while an
  // origin answers).
  // tls: serve HTTPS with its certificates (it must outlive the listener);
  // null for HTTP.
  EdgeListener(edge::Edge& edge, std::size_t max_workers, const TlsServer* tls = nullptr);
  ~EdgeListener();

  // Binds host:port (0 picks one); returns the port, or -1 (BindError says why).
  int Bind(const std::string& host, int port);
  std::string BindError() const;
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  void Listen();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Thread-safe; holds nothing between fetches but the trusted CAs.
class HttpOriginFetcher final : public edge::OriginFetcher {
 public:
  // HTTPS origins are verified against the system's CAs and, when given, the
  // PEM bundle origin_ca_file (--origin-ca): the certificate must chain to
  // one of them and name the origin's domain, else the fetch fails (502).
  // Create only checks that origin_ca_file reads; the store is built by the
  // first HTTPS fetch (parsing the system's bundle costs tens of ms and about
  // 2 MB, which an emulator that never reaches an HTTPS origin should not pay
  // at every start).
  static Result<std::unique_ptr<HttpOriginFetcher>, std::string> Create(const std::string& origin_ca_file);
  ~HttpOriginFetcher() override;
  edge::OriginResponse Fetch(const edge::OriginRequest& request) override;

 private:
  HttpOriginFetcher() = default;
  X509_STORE* Trusted();  // built once, on first use; null if OpenSSL could not make it
  std::once_flag trusted_once_;
  X509_STORE* trusted_ = nullptr;
  std::string origin_ca_file_;
};

}  // namespace cfl::http
