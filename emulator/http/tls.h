// TLS for the edge's HTTPS listener (OpenSSL's libssl), on the project's own
// non-blocking connection loop (connection_loop.h).
//
// TlsServer holds the certificate(s) the listener presents: either generated
// at start (a self-signed CA, kept only in memory, that issues a leaf for
// whatever name a viewer asks for by SNI — the distribution's domain or any
// alias — so a client that trusts the CA verifies any host name), or given
// as PEM files (--edge-cert/--edge-key), then presented for every name.
//
// TlsSession is one connection's TLS state over a non-blocking socket. Its
// Receive/Send behave like recv/send on that socket (bytes, 0 at the end, -1
// with errno EAGAIN when the socket must be ready first, another errno when
// the connection failed), so the loop's reading and writing stay as they are.
// The handshake happens inside the first Receive calls, never blocking: a
// slow or silent handshaker holds a descriptor and a buffer, not a thread.
//
// Thread safety: TlsServer is thread-safe after construction (its lazy
// making runs once under std::call_once; the SNI leaf cache has its own mutex). A TlsSession is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "emulator/common/result.h"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace cfl::http {

class TlsSession {
 public:
  // Takes ownership of ssl, already bound to a non-blocking fd in accept state.
  explicit TlsSession(SSL* ssl);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Like recv(2): decrypted bytes read, 0 when the peer closed, -1 with errno
  // EAGAIN (wait for EPOLLIN, or EPOLLOUT when wants_write()), or EPROTO /
  // ECONNRESET when the handshake or a record failed (plaintext on the port).
  ssize_t Receive(void* data, std::size_t size);
  // Like send(2), partial writes allowed. After -1/EAGAIN, the next call must
  // offer the same bytes again (more may follow them).
  ssize_t Send(const void* data, std::size_t size);
  // Decrypted or received bytes not returned yet: read again before waiting
  // for the socket.
  bool HasPending() const;
  // The last EAGAIN waits for the socket to be writable (a handshake's reply).
  bool wants_write() const { return wants_write_; }
  bool established() const;
  // Sends close_notify if it can without waiting.
  void Close();
  // "TLSv1.3", "TLS_AES_128_GCM_SHA256"; "" before the handshake completes.
  std::string protocol() const;
  std::string cipher() const;

 private:
  ssize_t Failed(int code, int result);
  SSL* ssl_;
  bool wants_write_ = false;
};

class TlsServer {
 public:
  // A fresh CA (kept in memory) and the listener's default leaf for
  // *.cloudfront.net, localhost, 127.0.0.1 and ::1; other SNI names get a leaf
  // issued on first use. The CA, the keys and OpenSSL's context are made on
  // first use (the first Accept or ca_pem()), not here: a start that serves no
  // HTTPS pays neither the time nor the memory (about 1.5 MB of libcrypto and
  // libssl). If OpenSSL fails then, Accept returns null and ca_pem() "".
  static std::unique_ptr<TlsServer> Generate();
  // The certificate chain (leaf first) and its key, as PEM files.
  static Result<std::unique_ptr<TlsServer>, std::string> FromFiles(const std::string& cert_file,
                                                                  const std::string& key_file);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  // A session on fd (non-blocking, accepted), or null if OpenSSL cannot make one.
  std::unique_ptr<TlsSession> Accept(int fd) const;
  // The generated CA's certificate (PEM); "" when given by files (or when
  // OpenSSL could not make it).
  const std::string& ca_pem() const;

  struct Issuer;  // the generated CA: issues leaves per SNI name

 private:
  TlsServer() = default;
  // Makes the generated CA, leaf and context once (a no-op for files).
  void MakeGeneratedOnce() const;
  bool generated_ = false;  // Generate(): made by MakeGeneratedOnce
  mutable std::once_flag made_;
  // Set at construction (files) or by MakeGeneratedOnce; read after it.
  mutable SSL_CTX* ctx_ = nullptr;
  mutable std::string ca_pem_;
  mutable std::unique_ptr<Issuer> issuer_;
};

// Whether name may get a leaf of its own: a DNS name (letters, digits, '-',
// '.', at most 253 characters, labels of 1..63) or an IP literal.
bool IssuableServerName(std::string_view name);

}  // namespace cfl::http
