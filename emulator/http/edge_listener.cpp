#include "emulator/http/edge_listener.h"

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "emulator/edge/error_pages.h"
#include "emulator/http/framed_httplib.h"
#include "emulator/http/tls.h"

namespace cfl::http {
namespace {

// A viewer's body (POST/PUT through an API behavior); CloudFront's own limit
// is far larger, the emulator's is its memory's.
constexpr std::size_t kMaxViewerBody = std::size_t{16} << 20;

// The connection whose request this thread serves: httplib hands the handler
// only the request, and a request is served on the thread that framed it.
thread_local const ConnectionInfo* serving_connection = nullptr;

}  // namespace

struct EdgeListener::Impl final : RequestServer {
  Impl(edge::Edge& edge, std::size_t max_workers, const TlsServer* tls)
      : edge(edge), https(tls != nullptr), loop(Limits(max_workers), Framing(), *this) {
    if (tls) loop.UseTls(tls);
    const auto handler = [this](const httplib::Request& request, std::string_view body, httplib::Response& response) {
      Handle(request, body, response);
    };
    RouteEverything(http, handler);
    http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
      Write(edge::ErrorPage(502, edge::kBadRequestText, "-"), response);
    });
    http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
      // Only an error httplib answers itself (400 on a malformed request):
      // the edge's own answers have a body, written by a provider.
      if (response.body.empty() && !response.content_provider_) {
        Write(edge::ErrorPage(response.status, edge::kBadRequestText, "-"), response);
      }
    });
  }

  edge::Edge& edge;
  const bool https;
  FramedServer http;
  ConnectionLoop loop;

  static ServingLimits Limits(std::size_t max_workers) {
    ServingLimits limits;
    limits.max_workers = std::max<std::size_t>(1, max_workers);
    limits.min_workers = std::min<std::size_t>(2, limits.max_workers);
    return limits;
  }

  static FramingLimits Framing() {
    FramingLimits limits;
    limits.max_body = [](std::string_view, std::string_view) { return kMaxViewerBody; };
    return limits;
  }

  static void Write(edge::ViewerResponse answer, httplib::Response& response) {
    response.status = answer.status;
    std::string content_type;
    for (auto& [name, value] : answer.headers) {
      if (strcasecmp(name.c_str(), "Content-Type") == 0) {
        content_type = value;
      } else {
        response.set_header(name, value);
      }
    }
    if (answer.body.empty()) {
      if (!content_type.empty()) response.set_header("Content-Type", content_type);
      return;
    }
    // Through a provider of known length: httplib compresses a plain body
    // itself when the viewer accepts gzip or br, and the edge alone decides
    // that (the behavior's Compress, edge/compression.h).
    auto body = std::make_shared<std::string>(std::move(answer.body));
    response.set_content_provider(body->size(), content_type,
                                  [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                    return sink.write(body->data() + offset, std::min(length, body->size() - offset));
                                  });
    if (content_type.empty()) response.headers.erase("Content-Type");  // the origin sent none
  }

  void Handle(const httplib::Request& request, std::string_view body, httplib::Response& response) {
    edge::ViewerRequest viewer;
    viewer.method = request.method;
    viewer.target = request.target;
    for (const auto& [name, value] : request.headers) {
      if (!IsHttplibOwnHeader(name)) {
        viewer.headers.emplace_back(name, value);
      }
    }
    viewer.body = body;
    viewer.client_ip = request.remote_addr;
    viewer.client_port = request.remote_port;
    viewer.https = https;
    if (serving_connection) {
      viewer.ssl_protocol = serving_connection->tls_protocol;
      viewer.ssl_cipher = serving_connection->tls_cipher;
    }
    Write(edge.Serve(viewer), response);
  }

  bool Serve(std::string_view request, bool closing, const ConnectionInfo& connection, ResponseWriter& out) override {
    serving_connection = &connection;
    const bool keep = ServeFramed(http, request, closing, connection, out);
    serving_connection = nullptr;
    return keep;
  }

  std::string RefusalAnswer(const Refusal& refusal) override {
    const auto page = edge::ErrorPage(refusal.status, edge::kBadRequestText, "-");
    std::string answer = "HTTP/1.1 " + std::to_string(refusal.status) + " " + ReasonPhrase(refusal.status) + "\r\n";
    for (const auto& [name, value] : page.headers) answer += name + ": " + value + "\r\n";
    answer += "Content-Length: " + std::to_string(page.body.size()) + "\r\nConnection: close\r\n\r\n" + page.body;
    return answer;
  }
};

EdgeListener::EdgeListener(edge::Edge& edge, std::size_t max_workers, const TlsServer* tls)
    : impl_(std::make_unique<Impl>(edge, max_workers, tls)) {}

EdgeListener::~EdgeListener() = default;

int EdgeListener::Bind(const std::string& host, int port) {
  const int bound = impl_->loop.Bind(host, port);
  if (bound >= 0) impl_->http.SetListening(impl_->loop.listening_socket());
  return bound;
}

std::string EdgeListener::BindError() const { return impl_->loop.error(); }

void EdgeListener::Listen() { impl_->loop.Run(); }

void EdgeListener::Stop() {
  impl_->http.SetListening(INVALID_SOCKET);
  impl_->loop.Stop();
}

namespace {

// The lowest of OriginSslProtocols' Items as OpenSSL's version number.
int MinimumProtocol(const std::vector<std::string>& protocols) {
  int lowest = TLS1_2_VERSION;
  for (const auto& name : protocols) {
    const int version = name == "SSLv3"     ? SSL3_VERSION
                        : name == "TLSv1"   ? TLS1_VERSION
                        : name == "TLSv1.1" ? TLS1_1_VERSION
                                            : TLS1_2_VERSION;
    lowest = std::min(lowest, version);
  }
  return lowest;
}

}  // namespace

Result<std::unique_ptr<HttpOriginFetcher>, std::string> HttpOriginFetcher::Create(const std::string& origin_ca_file) {
  if (!origin_ca_file.empty()) {
    X509_STORE* check = X509_STORE_new();
    const bool readable = check && X509_STORE_load_file(check, origin_ca_file.c_str()) == 1;
    X509_STORE_free(check);
    ERR_clear_error();
    if (!readable) return Fail("--origin-ca: cannot read PEM certificates from " + origin_ca_file);
  }
  std::unique_ptr<HttpOriginFetcher> fetcher(new HttpOriginFetcher());
  fetcher->origin_ca_file_ = origin_ca_file;
  return fetcher;
}

X509_STORE* HttpOriginFetcher::Trusted() {
  std::call_once(trusted_once_, [this] {
    X509_STORE* store = X509_STORE_new();
    if (!store) return;
    // A missing system bundle is not an error: --origin-ca may be all there is.
    (void)X509_STORE_set_default_paths(store);
    if (!origin_ca_file_.empty()) (void)X509_STORE_load_file(store, origin_ca_file_.c_str());  // read at Create
    ERR_clear_error();
    trusted_ = store;
  });
  return trusted_;
}

HttpOriginFetcher::~HttpOriginFetcher() { X509_STORE_free(trusted_); }

edge::OriginResponse HttpOriginFetcher::Fetch(const edge::OriginRequest& request) {
  using Outcome = edge::OriginResponse::Outcome;
  edge::OriginResponse answer;
  std::unique_ptr<httplib::ClientImpl> connection;
  if (request.https) {
    // Connect to host:port (an --origin-address mapping) while the TLS name,
    // SNI and the certificate check use the origin's own domain.
    auto tls = std::make_unique<httplib::SSLClient>(request.server_name, request.port);
    if (request.host != request.server_name) tls->set_hostname_addr_map({{request.server_name, request.host}});
    tls->enable_server_certificate_verification(true);
    if (X509_STORE* trusted = Trusted()) {
      X509_STORE_up_ref(trusted);
      tls->set_ca_cert_store(trusted);  // takes the reference
    }
    // At connect httplib loads what is named here into the store, which holds
    // it already: name something cheap (the small --origin-ca file, or the
    // hashed directory), or it would parse the system's whole bundle again.
    tls->set_ca_cert_path(origin_ca_file_, origin_ca_file_.empty() ? X509_get_default_cert_dir() : "");
    SSL_CTX_set_min_proto_version(tls->ssl_context(), MinimumProtocol(request.ssl_protocols));
    connection = std::move(tls);
  } else {
    connection = std::make_unique<httplib::ClientImpl>(request.host, request.port);
  }
  httplib::ClientImpl& client = *connection;
  const auto seconds = [](std::chrono::milliseconds ms) { return static_cast<time_t>(ms.count() / 1000); };
  const auto micros = [](std::chrono::milliseconds ms) { return static_cast<time_t>((ms.count() % 1000) * 1000); };
  client.set_connection_timeout(seconds(request.connect_timeout), micros(request.connect_timeout));
  client.set_read_timeout(seconds(request.read_timeout), micros(request.read_timeout));
  client.set_write_timeout(seconds(request.read_timeout), micros(request.read_timeout));
  client.set_keep_alive(false);
  client.set_decompress(false);  // relayed as the origin encoded it

  httplib::Request out;
  out.method = request.method;
  out.path = request.target;
  for (const auto& [name, value] : request.headers) out.headers.emplace(name, value);
  out.body = request.body;
  bool too_large = false;
  out.response_handler = [&answer](const httplib::Response& response) {
    answer.status = response.status;
    for (const auto& [name, value] : response.headers) answer.headers.emplace_back(name, value);
    return true;
  };
  if (request.method != "HEAD") {
    out.content_receiver = [&answer, &too_large, max = request.max_body](const char* data, std::size_t length,
                                                                         std::uint64_t, std::uint64_t) {
      if (answer.body.size() + length > max) {
        too_large = true;
        return false;
      }
      answer.body.append(data, length);
      return true;
    };
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = client.send(out);
  if (result && answer.status == 0) {
    // httplib calls response_handler only for answers with a body: not for a
    // HEAD's or a 204's.
    answer.status = result->status;
    for (const auto& [name, value] : result->headers) answer.headers.emplace_back(name, value);
  }
  if (result) return answer;
  answer.detail = httplib::to_string(result.error());
  if (too_large) {
    answer.outcome = Outcome::kTooLarge;
  } else if (result.error() == httplib::Error::ConnectionTimeout) {
    answer.outcome = Outcome::kTimedOut;
  } else if (result.error() == httplib::Error::Read &&
             std::chrono::steady_clock::now() - started >= request.read_timeout - std::chrono::milliseconds(50)) {
    answer.outcome = Outcome::kTimedOut;  // cpp-httplib tells a read timeout only as a failed read
  } else {
    answer.outcome = Outcome::kUnreachable;
  }
  return answer;
}

}  // namespace cfl::http
