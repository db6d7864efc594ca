#include "emulator/http/tls.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <thread>

#include "emulator/http/connection_loop.h"

namespace cfl::http {
namespace {

struct SocketPair {
  SocketPair() {
    std::signal(SIGPIPE, SIG_IGN);
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);  // the server's side, as the loop has it
  }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2];
};

// A blocking client that trusts ca_pem, asks for server_name by SNI, checks
// the certificate names it, and sends message. Returns "" or why it failed.
std::string ConnectAndSend(int fd, const std::string& ca_pem, const std::string& server_name,
                           const std::string& message) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
  X509_free(ca);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, server_name.c_str());
  SSL_set1_host(ssl, server_name.c_str());
  std::string problem;
  if (SSL_connect(ssl) != 1) {
    problem = "handshake failed, verify result " + std::to_string(SSL_get_verify_result(ssl));
  } else if (SSL_write(ssl, message.data(), static_cast<int>(message.size())) <= 0) {
    problem = "write failed";
  } else {
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return problem;
}

// Reads from session as the loop does (poll, Receive until EAGAIN) until
// want bytes arrived or the session ends or fails; the text read.
std::string ReadAll(int fd, TlsSession& session, std::size_t want, int& last_errno) {
  std::string got;
  char buffer[4096];
  while (got.size() < want) {
    const ssize_t n = session.Receive(buffer, sizeof buffer);
    if (n > 0) {
      got.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    last_errno = n == 0 ? 0 : errno;
    if (n == 0 || errno != EAGAIN) break;
    pollfd ready{fd, static_cast<short>(session.wants_write() ? POLLIN | POLLOUT : POLLIN), 0};
    if (::poll(&ready, 1, 5000) != 1) break;
  }
  return got;
}

// Answers "GET /N" with N bytes of 'x', and says which protocol served it.
class SizedAnswers final : public RequestServer {
 public:
  bool Serve(std::string_view request, bool closing, const ConnectionInfo& connection, ResponseWriter& out) override {
    const std::size_t size = std::stoul(std::string(request.substr(5, request.find(' ', 5) - 5)));
    const std::string head = "HTTP/1.1 200 OK\r\nX-Tls: " + connection.tls_protocol + "\r\nContent-Length: " +
                             std::to_string(size) + "\r\n" + (closing ? "Connection: close\r\n" : "") + "\r\n";
    return out.Write(head) && out.Write(std::string(size, 'x'));
  }
  std::string RefusalAnswer(const Refusal&) override { return "HTTP/1.1 400 X\r\nContent-Length: 0\r\n\r\n"; }
};

}  // namespace

TEST_CASE("the connection loop serves TLS: keep-alive requests, and an answer larger than the socket takes at once") {
  std::signal(SIGPIPE, SIG_IGN);
  auto server = TlsServer::Generate();
  REQUIRE(server);
  SizedAnswers answers;
  ConnectionLoop loop(ServingLimits{}, FramingLimits{}, answers);
  loop.UseTls(server.get());
  const int port = loop.Bind("127.0.0.1", 0);
  REQUIRE(port > 0);
  std::thread running([&] { loop.Run(); });

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "www.example.com");
  REQUIRE(SSL_connect(ssl) == 1);
  const std::string requests = "GET /10 HTTP/1.1\r\nHost: a\r\n\r\nGET /3000000 HTTP/1.1\r\nHost: a\r\n"
                               "Connection: close\r\n\r\n";
  REQUIRE(SSL_write(ssl, requests.data(), static_cast<int>(requests.size())) > 0);
  std::string received;
  char buffer[65536];
  for (int got; (got = SSL_read(ssl, buffer, sizeof buffer)) > 0;) received.append(buffer, static_cast<std::size_t>(got));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  loop.Stop();
  running.join();

  const auto second = received.find("HTTP/1.1 200 OK", 1);
  REQUIRE(second != std::string::npos);
  CHECK(received.starts_with("HTTP/1.1 200 OK\r\nX-Tls: TLSv1.3\r\nContent-Length: 10\r\n"));
  CHECK(received.substr(second).find("Content-Length: 3000000\r\n") != std::string::npos);
  CHECK(received.size() - received.find("\r\n\r\n", second) - 4 == 3000000);
}

TEST_CASE("the generated CA issues a certificate for any name a viewer asks for, read without blocking") {
  auto server = TlsServer::Generate();
  REQUIRE(server);
  CHECK(server->ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
  for (const std::string name : {"www.example.com", "d111111abcdef8.cloudfront.net", "localhost"}) {
    CAPTURE(name);
    SocketPair pair;
    auto session = server->Accept(pair.fds[0]);
    REQUIRE(session);
    CHECK_FALSE(session->established());
    std::string problem;
    std::thread client([&] { problem = ConnectAndSend(pair.fds[1], server->ca_pem(), name, "GET / HTTP/1.1\r\n"); });
    int last_errno = -1;
    const std::string got = ReadAll(pair.fds[0], *session, 16, last_errno);
    client.join();
    CHECK(problem == "");
    CHECK(got == "GET / HTTP/1.1\r\n");
    CHECK(session->established());
    CHECK(session->protocol() == "TLSv1.3");
    CHECK_FALSE(session->cipher().empty());
  }
}

TEST_CASE("a client that trusts another CA fails the handshake") {
  auto server = TlsServer::Generate();
  auto other = TlsServer::Generate();
  REQUIRE(server);
  REQUIRE(other);
  SocketPair pair;
  auto session = server->Accept(pair.fds[0]);
  std::string problem;
  std::thread client([&] { problem = ConnectAndSend(pair.fds[1], other->ca_pem(), "www.example.com", "x"); });
  int last_errno = -1;
  const std::string got = ReadAll(pair.fds[0], *session, 1, last_errno);
  client.join();
  CHECK(problem.starts_with("handshake failed"));
  CHECK(got.empty());
  CHECK(last_errno != EAGAIN);
}

TEST_CASE("plaintext HTTP on the TLS port fails the session at once (EPROTO), it does not wait") {
  auto server = TlsServer::Generate();
  REQUIRE(server);
  SocketPair pair;
  auto session = server->Accept(pair.fds[0]);
  const std::string plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::write(pair.fds[1], plain.data(), plain.size()) == static_cast<ssize_t>(plain.size()));
  int last_errno = -1;
  const std::string got = ReadAll(pair.fds[0], *session, 1, last_errno);
  CHECK(got.empty());
  CHECK(last_errno == EPROTO);
}

TEST_CASE("a partial handshake leaves the session waiting (EAGAIN), not blocked") {
  auto server = TlsServer::Generate();
  REQUIRE(server);
  SocketPair pair;
  auto session = server->Accept(pair.fds[0]);
  const char start_of_hello[] = {0x16, 0x03, 0x01, 0x00, 0x50};  // a record header, no body yet
  REQUIRE(::write(pair.fds[1], start_of_hello, sizeof start_of_hello) == 5);
  char buffer[64];
  CHECK(session->Receive(buffer, sizeof buffer) == -1);
  CHECK(errno == EAGAIN);
  CHECK_FALSE(session->established());
}

TEST_CASE("certificate files: a chain and its key serve; a key of another certificate is refused") {
  CHECK_FALSE(TlsServer::FromFiles("/nonexistent.pem", "/nonexistent.key").ok());
  CHECK(TlsServer::FromFiles("/nonexistent.pem", "/nonexistent.key").error().find("/nonexistent.pem") !=
        std::string::npos);
}

TEST_CASE("names that get a certificate of their own") {
  CHECK(IssuableServerName("www.example.com"));
  CHECK(IssuableServerName("127.0.0.1"));
  CHECK(IssuableServerName("a-b.c"));
  CHECK_FALSE(IssuableServerName(""));
  CHECK_FALSE(IssuableServerName("a..b"));
  CHECK_FALSE(IssuableServerName(".a"));
  CHECK_FALSE(IssuableServerName("a.b."));
  CHECK_FALSE(IssuableServerName("a,DNS:evil.com"));
  CHECK_FALSE(IssuableServerName(std::string(64, 'a') + ".com"));
  CHECK_FALSE(IssuableServerName(std::string(254, 'a')));
}

}  // namespace cfl::http
