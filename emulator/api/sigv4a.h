// SigV4A (AWS4-ECDSA-P256-SHA256), the asymmetric variant SDKs use for
// multi-region endpoints such as the KeyValueStore data plane: the canonical
// request is SigV4's, the scope has no region (DATE/SERVICE/aws4_request; the
// regions travel in X-Amz-Region-Set), and the signature is ECDSA P-256 over
// the string to sign, with a key pair derived from the secret (NIST SP
// 800-108 counter-mode KDF with HMAC-SHA256, as aws-c-auth derives it).
// OpenSSL's libcrypto; stateless functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cfl::api::sigv4 {

inline constexpr std::string_view kAlgorithmV4A = "AWS4-ECDSA-P256-SHA256";

// The P-256 public key (SEC1 uncompressed, 65 bytes) of the key pair SigV4A
// derives from access_key and secret; nullopt if the derivation fails.
std::optional<std::string> DeriveV4aPublicKey(std::string_view access_key, std::string_view secret);

// "AWS4-ECDSA-P256-SHA256\nTIMESTAMP\nSCOPE\nhex(sha256(canonical_request))"
std::string StringToSignV4a(std::string_view timestamp, std::string_view scope, std::string_view canonical_request);

// Whether der_signature_hex (hex of an ASN.1 DER ECDSA signature) signs
// message (hashed with SHA-256) under public_key.
bool VerifyV4aSignature(std::string_view public_key, std::string_view message, std::string_view der_signature_hex);

}  // namespace cfl::api::sigv4
