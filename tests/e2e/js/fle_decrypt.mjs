// Decrypts field-level encrypted values with the AWS Encryption SDK for JavaScript, for
// tests/e2e/test_edge_fle.py (not a test itself): the decrypter an origin runs, a raw RSA keyring
// with the private key, OAEP with SHA-256 ("RSA/ECB/OAEPWithSHA-256AndMGF1Padding"), the profile's
// provider id as key namespace and the public key id as key name. Reads one JSON object on stdin:
// {privateKey, keyNamespace, keyName, values: [base64, ...]}; prints {"plaintexts": [...]}, or
// {"errors": [...]} naming the values it could not decrypt.
import { buildClient, CommitmentPolicy, RawRsaKeyringNode } from "@aws-crypto/client-node";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new RawRsaKeyringNode({
  keyNamespace: request.keyNamespace,
  keyName: request.keyName,
  rsaKey: { privateKey: request.privateKey },
  oaepHash: "sha256",
});
const plaintexts = [];
const errors = [];
for (const value of request.values) {
  try {
    const { plaintext } = await decrypt(keyring, Buffer.from(value, "base64"));
    plaintexts.push(plaintext.toString("utf8"));
  } catch (error) {
    errors.push(String(error && error.message ? error.message : error));
  }
}
process.stdout.write(JSON.stringify(errors.length ? { errors } : { plaintexts }));
