// Signs with @aws-sdk/cloudfront-signer for tests/e2e/test_edge_signed.py (not a test itself).
// Reads one JSON object on stdin: {url, keyPairId, privateKey, dateLessThan (epoch seconds),
// dateGreaterThan?, ipAddress?, policy?, algorithm?, cookies?}; prints {"url": ...} or
// {"cookies": {...}}.
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const options = {
  url: request.url,
  keyPairId: request.keyPairId,
  privateKey: request.privateKey,
  algorithm: request.algorithm,
};
if (request.policy) {
  options.policy = request.policy;
} else {
  // Dates as the signer takes them; it writes epoch seconds.
  options.dateLessThan = new Date(request.dateLessThan * 1000).toISOString();
  if (request.dateGreaterThan) options.dateGreaterThan = new Date(request.dateGreaterThan * 1000).toISOString();
  if (request.ipAddress) options.ipAddress = request.ipAddress;
}
const answer = request.cookies ? { cookies: getSignedCookies(options) } : { url: getSignedUrl(options) };
process.stdout.write(JSON.stringify(answer));
