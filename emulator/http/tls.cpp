#include "emulator/http/tls.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace cfl::http {
namespace {

// Names given leaves of their own, at most; then the cache starts again (a
// session holds its own reference to the leaf it was given).
constexpr std::size_t kMaxIssuedLeaves = 4096;
constexpr long kCaLifetimeSeconds = 10L * 365 * 24 * 3600;
constexpr long kLeafLifetimeSeconds = 397L * 24 * 3600;  // what browsers accept at most

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

std::string OpenSslError(std::string_view what) {
  char text[256] = "";
  const unsigned long code = ERR_get_error();
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return std::string(what) + (code != 0 ? std::string(": ") + text : std::string());
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (!extension) return false;
  const bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// A certificate for key, signed by issuer_key (issuer null: self-signed CA).
X509Ptr MakeCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
                        const std::string& subject_alt_names) {
  X509Ptr cert(X509_new());
  if (!cert) return nullptr;
  X509* x = cert.get();
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_set = number && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x));
  BN_free(number);
  X509_NAME* name = X509_get_subject_name(x);
  const auto text = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.c_str()); };
  const bool ca = issuer == nullptr;
  const bool ok =
      serial_set && X509_set_version(x, 2) == 1 && X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
      X509_gmtime_adj(X509_getm_notAfter(x), ca ? kCaLifetimeSeconds : kLeafLifetimeSeconds) &&
      X509_set_pubkey(x, key) == 1 &&
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, text("cloudfront-local"), -1, -1, 0) == 1 &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, text(common_name), -1, -1, 0) == 1 &&
      X509_set_issuer_name(x, ca ? name : X509_get_subject_name(issuer)) == 1 &&
      AddExtension(x, ca ? x : issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
      AddExtension(x, ca ? x : issuer, NID_key_usage,
                   ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") &&
      AddExtension(x, ca ? x : issuer, NID_subject_key_identifier, "hash") &&
      AddExtension(x, ca ? x : issuer, NID_authority_key_identifier, "keyid:always") &&
      (ca || AddExtension(x, issuer, NID_ext_key_usage, "serverAuth")) &&
      (subject_alt_names.empty() || AddExtension(x, ca ? x : issuer, NID_subject_alt_name, subject_alt_names)) &&
      X509_sign(x, ca ? key : issuer_key, EVP_sha256()) > 0;
  return ok ? std::move(cert) : nullptr;
}

std::string Pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string pem;
  if (bio && PEM_write_bio_X509(bio, cert) == 1) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<std::size_t>(length));
  }
  BIO_free(bio);
  return pem;
}

bool IsIpLiteral(std::string_view name) {
  std::string text(name);
  unsigned char address[16];
  return inet_pton(AF_INET, text.c_str(), address) == 1 || inet_pton(AF_INET6, text.c_str(), address) == 1;
}

// Served by the default leaf: *.cloudfront.net (one label) and localhost.
bool CoveredByDefault(std::string_view name) {
  constexpr std::string_view kSuffix = ".cloudfront.net";
  if (name == "localhost") return true;
  if (!name.ends_with(kSuffix)) return false;
  const std::string_view label = name.substr(0, name.size() - kSuffix.size());
  return !label.empty() && label.find('.') == std::string_view::npos;
}

SSL_CTX* NewServerContext() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return nullptr;
  // CloudFront's viewer policies start at TLSv1 (TLSv1_2016), but Debian's
  // OpenSSL refuses anything below TLS 1.2 at its default security level.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  return ctx;
}

}  // namespace

bool IssuableServerName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  if (IsIpLiteral(name)) return true;
  std::size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed || ++label > 63) return false;
  }
  return label > 0;
}

// ---- TlsSession --------------------------------------------------------------

TlsSession::TlsSession(SSL* ssl) : ssl_(ssl) {}

TlsSession::~TlsSession() { SSL_free(ssl_); }

ssize_t TlsSession::Failed(int code, int result) {
  switch (code) {
    case SSL_ERROR_WANT_READ:
      wants_write_ = false;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wants_write_ = true;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      if (result == 0 || errno == 0) return 0;  // the peer went away
      return -1;                                // errno says why
    default:
      ERR_clear_error();
      errno = EPROTO;  // a failed handshake, plaintext on the port, a bad record
      return -1;
  }
}

ssize_t TlsSession::Receive(void* data, std::size_t size) {
  ERR_clear_error();
  errno = 0;
  const int got = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
  if (got > 0) return got;
  return Failed(SSL_get_error(ssl_, got), got);
}

ssize_t TlsSession::Send(const void* data, std::size_t size) {
  if (size == 0) return 0;
  ERR_clear_error();
  errno = 0;
  const int sent = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
  if (sent > 0) return sent;
  const ssize_t failed = Failed(SSL_get_error(ssl_, sent), sent);
  if (failed == 0) errno = EPIPE;  // a send never "ends": the peer is gone
  return -1;
}

bool TlsSession::HasPending() const { return SSL_has_pending(ssl_) == 1; }

bool TlsSession::established() const { return SSL_is_init_finished(ssl_) == 1; }

void TlsSession::Close() {
  if (!established()) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

std::string TlsSession::protocol() const { return established() ? SSL_get_version(ssl_) : ""; }

std::string TlsSession::cipher() const {
  const char* name = established() ? SSL_get_cipher_name(ssl_) : nullptr;
  return name ? name : "";
}

// ---- TlsServer -----------------------------------------------------------------

struct TlsServer::Issuer {
  X509Ptr ca;
  KeyPtr ca_key;
  KeyPtr leaf_key;  // one key for every leaf: issuing is then one signature
  std::mutex mutex;
  std::unordered_map<std::string, X509Ptr> leaves;

  // The leaf for name (lowercase, issuable); null if OpenSSL fails.
  X509Ptr LeafFor(const std::string& name) {
    std::lock_guard lock(mutex);
    if (const auto found = leaves.find(name); found != leaves.end()) {
      X509_up_ref(found->second.get());
      return X509Ptr(found->second.get());
    }
    const std::string san = (IsIpLiteral(name) ? "IP:" : "DNS:") + name;
    X509Ptr leaf = MakeCertificate(leaf_key.get(), name, ca.get(), ca_key.get(), san);
    if (!leaf) return nullptr;
    if (leaves.size() >= kMaxIssuedLeaves) leaves.clear();
    X509_up_ref(leaf.get());
    leaves.emplace(name, X509Ptr(leaf.get()));
    return leaf;
  }

  // SSL_CTX_set_cert_cb: a leaf naming the SNI host, when the default one does not.
  static int ChooseCertificate(SSL* ssl, void* self) {
    const char* requested = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!requested || !IssuableServerName(requested)) return 1;
    std::string name = requested;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (CoveredByDefault(name)) return 1;
    auto& issuer = *static_cast<Issuer*>(self);
    const X509Ptr leaf = issuer.LeafFor(name);
    if (!leaf) return 1;  // the default leaf; the client's check will say why
    return SSL_use_certificate(ssl, leaf.get()) == 1 && SSL_use_PrivateKey(ssl, issuer.leaf_key.get()) == 1 ? 1 : 0;
  }
};

TlsServer::~TlsServer() { SSL_CTX_free(ctx_); }

std::unique_ptr<TlsServer> TlsServer::Generate() {
  std::unique_ptr<TlsServer> server(new TlsServer());
  server->generated_ = true;
  return server;
}

void TlsServer::MakeGeneratedOnce() const {
  if (!generated_) return;
  std::call_once(made_, [this] {
    auto issuer = std::make_unique<Issuer>();
    issuer->ca_key.reset(EVP_EC_gen("P-256"));
    issuer->leaf_key.reset(EVP_EC_gen("P-256"));
    if (!issuer->ca_key || !issuer->leaf_key) return;
    issuer->ca = MakeCertificate(issuer->ca_key.get(), "cloudfront-local edge CA", nullptr, nullptr, "");
    if (!issuer->ca) return;
    X509Ptr leaf = MakeCertificate(issuer->leaf_key.get(), "*.cloudfront.net", issuer->ca.get(),
                                   issuer->ca_key.get(), "DNS:*.cloudfront.net,DNS:localhost,IP:127.0.0.1,IP:::1");
    if (!leaf) return;
    SSL_CTX* ctx = NewServerContext();
    if (!ctx || SSL_CTX_use_certificate(ctx, leaf.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, issuer->leaf_key.get()) != 1) {
      SSL_CTX_free(ctx);
      return;
    }
    SSL_CTX_set_cert_cb(ctx, &Issuer::ChooseCertificate, issuer.get());
    ca_pem_ = Pem(issuer->ca.get());
    issuer_ = std::move(issuer);
    ctx_ = ctx;
  });
}

const std::string& TlsServer::ca_pem() const {
  MakeGeneratedOnce();
  return ca_pem_;
}

Result<std::unique_ptr<TlsServer>, std::string> TlsServer::FromFiles(const std::string& cert_file,
                                                                     const std::string& key_file) {
  std::unique_ptr<TlsServer> server(new TlsServer());
  server->ctx_ = NewServerContext();
  if (!server->ctx_) return Fail(OpenSslError("cannot set up TLS"));
  if (SSL_CTX_use_certificate_chain_file(server->ctx_, cert_file.c_str()) != 1) {
    return Fail(OpenSslError("cannot read the certificate chain " + cert_file));
  }
  if (SSL_CTX_use_PrivateKey_file(server->ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Fail(OpenSslError("cannot read the private key " + key_file));
  }
  if (SSL_CTX_check_private_key(server->ctx_) != 1) {
    return Fail(OpenSslError(key_file + " is not the key of " + cert_file));
  }
  return server;
}

std::unique_ptr<TlsSession> TlsServer::Accept(int fd) const {
  MakeGeneratedOnce();
  if (!ctx_) return nullptr;
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return std::make_unique<TlsSession>(ssl);
}

}  // namespace cfl::http
