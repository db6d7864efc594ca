"""Trust stores with boto3 on the repository's model copy (Debian's botocore does not know them): every
operation, pending → active on the clock, ETags and If-Match, tags, the CA bundle (read from the
directory that stands for S3 with --s3-dir: counted, a malformed or missing one refused; without it
taken as one certificate), and the distributions whose viewer mTLS uses one."""

import requests

import e2e_util as u
from e2e_util import expect_error

# A self-signed P-256 CA (basicConstraints CA:TRUE) and a leaf certificate (CA:FALSE), valid to 2126.
CA_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBnTCCAUOgAwIBAgIUO4v/TrpsQp17KvOUq3pgN0wFAykwCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYQ2xvdWRGcm9udCBMb2NhbCB0ZXN0IENBMCAXDTI2MTIwMTA3
MzM0OFoYDzIxMjYxMTA3MDczMzQ4WjAjMSEwHwYDVQQDDBhDbG91ZEZyb250IExv
Y2FsIHRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR/FJ3omu7Z5V7o
3L9DRMxNB4ry97MiOsM6ZdKOps2alXAf+s8CzGXJotsYONDnfXEB8MHHj8YN4yvb
oL6VKa0Xo1MwUTAdBgNVHQ4EFgQUzHW1j6V4EQuIbFU/SJoVw6IbiHYwHwYDVR0j
BBgwFoAUzHW1j6V4EQuIbFU/SJoVw6IbiHYwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiAmio7eIoe+/bVnB8nM9ZWFTBrMT91OREaR9a7VHiusFgIh
ALdVCSMD5VhvQvsHZnBzWYRKYlmt4xhSx2dGNgFy3ka6
-----END CERTIFICATE-----
"""
LEAF_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBizCCATCgAwIBAgIUYY3z4EAoRDN9MjXuALPZKM2tO4cwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbGVhZi5leGFtcGxlLmNvbTAgFw0yNjEyMDEwNzMzNDhaGA8y
MTI2MTEwNzA3MzM0OFowGzEZMBcGA1UEAwwQbGVhZi5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABFzmsvc3Kg080WI603g8/NfzowWrx8mDkYnW
/FuF/nzirNGYyTxaiYQoCdLqJcaEeM/pJkZl2s4iar0CgNlTN1mjUDBOMB0GA1Ud
DgQWBBTRPwFII+o16ZDZaGGMdcMj1qHNIjAfBgNVHSMEGDAWgBTRPwFII+o16ZDZ
aGGMdcMj1qHNIjAMBgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0kAMEYCIQCD63/8
3YDtX7XbSyKn/Ag0OwZbrolGvDgxyUqK5LmGzQIhAOce+al7TNeTNoKh/QnsOMij
CNMSW23v/8Ban0uTMRVe
-----END CERTIFICATE-----
"""


def location(key="ca/bundle.pem", bucket="trust-bucket", **extra):
    return {"CaCertificatesBundleS3Location": {"Bucket": bucket, "Key": key, "Region": "us-east-1", **extra}}


def settle(url, resource_id):
    requests.post(url + "/_emulator/settle", json={"id": resource_id}).raise_for_status()


def mtls(trust_store_id, **overrides):
    return dict(u.dist_config(**overrides), ViewerMtlsConfig={
        "Mode": "required", "TrustStoreConfig": {"TrustStoreId": trust_store_id, "AdvertiseTrustStoreCaNames": True}})


def test_every_operation(cfm, url, account):
    created = cfm.create_trust_store(Name="clients", CaCertificatesBundleSource=location(),
                                     Tags={"Items": [{"Key": "team", "Value": "edge"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    store = created["TrustStore"]
    store_id = store["Id"]
    assert store_id.startswith("ts_") and len(store_id) == 25
    assert store["Arn"] == f"arn:aws:cloudfront::{account}:trust-store/{store_id}"
    assert (store["Name"], store["Status"], store["NumberOfCaCertificates"]) == ("clients", "pending", 1)
    assert store["UseClientCertificateOCSPEndpoint"] is False
    assert cfm.list_tags_for_resource(Resource=store["Arn"])["Tags"]["Items"] == [{"Key": "team", "Value": "edge"}]

    settle(url, store_id)
    got = cfm.get_trust_store(Identifier=store_id)
    assert got["ETag"] == created["ETag"] and got["TrustStore"]["Status"] == "active"
    assert cfm.get_trust_store(Identifier=store["Arn"])["TrustStore"]["Id"] == store_id  # by ARN too
    with expect_error("EntityNotFound", 404):
        cfm.get_trust_store(Identifier=f"arn:aws:cloudfront::{account}:distribution/E0000000000000")
    with expect_error("EntityAlreadyExists", 409):
        cfm.create_trust_store(Name="clients", CaCertificatesBundleSource=location())

    with expect_error("PreconditionFailed", 412):
        cfm.update_trust_store(Id=store_id, IfMatch="E2QWRUHAPOMQZL", CaCertificatesBundleSource=location("v2.pem"))
    updated = cfm.update_trust_store(Id=store_id, IfMatch=got["ETag"], CaCertificatesBundleSource=location("v2.pem"),
                                     UseClientCertificateOCSPEndpoint=True)
    assert updated["ETag"] != got["ETag"]
    assert updated["TrustStore"]["Status"] == "pending" and updated["TrustStore"]["Name"] == "clients"
    assert updated["TrustStore"]["UseClientCertificateOCSPEndpoint"] is True

    second = cfm.create_trust_store(Name="partners", CaCertificatesBundleSource=location("p.pem"))["TrustStore"]
    listed = cfm.list_trust_stores()
    assert [(s["Id"], s["Name"]) for s in listed["TrustStoreList"]] == [(store_id, "clients"), (second["Id"], "partners")]
    assert listed["TrustStoreList"][0]["ETag"] == updated["ETag"] and "NextMarker" not in listed
    page = cfm.list_trust_stores(MaxItems=1)
    assert [s["Id"] for s in page["TrustStoreList"]] == [store_id] and page["NextMarker"] == store_id
    rest = cfm.list_trust_stores(Marker=page["NextMarker"])
    assert [s["Id"] for s in rest["TrustStoreList"]] == [second["Id"]] and "NextMarker" not in rest

    with expect_error("PreconditionFailed", 412):
        cfm.delete_trust_store(Id=store_id, IfMatch=created["ETag"])
    deleted = cfm.delete_trust_store(Id=store_id, IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (lambda: cfm.get_trust_store(Identifier=store_id),
                 lambda: cfm.update_trust_store(Id=store_id, IfMatch=updated["ETag"], CaCertificatesBundleSource=location()),
                 lambda: cfm.delete_trust_store(Id=store_id, IfMatch=updated["ETag"])):
        with expect_error("EntityNotFound", 404):
            call()


def test_names_and_locations_are_checked(cfm):
    for name, source in [("has space", location()), ("ok", location(bucket="Not_A_Bucket")),
                         ("ok", location(key="../../etc/passwd"))]:
        with expect_error("InvalidArgument", 400):
            cfm.create_trust_store(Name=name, CaCertificatesBundleSource=source)
    assert cfm.list_trust_stores().get("TrustStoreList", []) == []


def test_bundles_read_from_the_s3_directory(start_emulator, new_account, tmp_path):
    em = start_emulator("--s3-dir", str(tmp_path))
    cf = u.make_model_client(em.url, new_account())
    (tmp_path / "trust-bucket" / "ca").mkdir(parents=True)
    (tmp_path / "trust-bucket" / "ca" / "bundle.pem").write_text(CA_PEM + CA_PEM)
    (tmp_path / "trust-bucket" / "leaf.pem").write_text(LEAF_PEM)
    (tmp_path / "trust-bucket" / "junk.pem").write_text("not a certificate\n")

    created = cf.create_trust_store(Name="read", CaCertificatesBundleSource=location())
    assert created["TrustStore"]["NumberOfCaCertificates"] == 2
    with expect_error("EntityNotFound", 404):
        cf.create_trust_store(Name="missing", CaCertificatesBundleSource=location("nope.pem"))
    for key in ("leaf.pem", "junk.pem"):
        with expect_error("InvalidArgument", 400):
            cf.create_trust_store(Name="bad", CaCertificatesBundleSource=location(key))
        with expect_error("InvalidArgument", 400):
            cf.update_trust_store(Id=created["TrustStore"]["Id"], IfMatch=created["ETag"],
                                  CaCertificatesBundleSource=location(key))
    # Nothing changed; a good bundle with one certificate updates it.
    assert cf.get_trust_store(Identifier=created["TrustStore"]["Id"])["ETag"] == created["ETag"]
    (tmp_path / "trust-bucket" / "one.pem").write_text(CA_PEM)
    updated = cf.update_trust_store(Id=created["TrustStore"]["Id"], IfMatch=created["ETag"],
                                    CaCertificatesBundleSource=location("one.pem"))
    assert updated["TrustStore"]["NumberOfCaCertificates"] == 1
    assert [s["Name"] for s in cf.list_trust_stores()["TrustStoreList"]] == ["read"]


def test_distributions_use_it_both_ways(cfm, account):
    created = cfm.create_trust_store(Name="for-dist", CaCertificatesBundleSource=location())
    store_id, etag = created["TrustStore"]["Id"], created["ETag"]
    dist = cfm.create_distribution(DistributionConfig=mtls(store_id))["Distribution"]
    assert dist["DistributionConfig"]["ViewerMtlsConfig"]["TrustStoreConfig"]["TrustStoreId"] == store_id
    cfm.create_distribution(DistributionConfig=u.dist_config())
    with expect_error("EntityNotFound", 404):
        cfm.create_distribution(DistributionConfig=mtls("ts_NoSuchStore000000000000"))
    with expect_error("InvalidArgument", 400):  # mTLS that checks certificates needs a trust store
        cfm.create_distribution(DistributionConfig=dict(u.dist_config(), ViewerMtlsConfig={"Mode": "required"}))

    for identifier in (store_id, created["TrustStore"]["Arn"]):
        listed = cfm.list_distributions_by_trust_store(TrustStoreIdentifier=identifier)["DistributionList"]
        assert [d["Id"] for d in listed["Items"]] == [dist["Id"]] and listed["Quantity"] == 1
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_trust_store(TrustStoreIdentifier="ts_NoSuchStore000000000000")

    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_trust_store(Id=store_id, IfMatch=etag)
    config = cfm.get_distribution_config(Id=dist["Id"])
    without = {k: v for k, v in config["DistributionConfig"].items() if k != "ViewerMtlsConfig"}
    cfm.update_distribution(Id=dist["Id"], IfMatch=config["ETag"], DistributionConfig=without)
    assert cfm.list_distributions_by_trust_store(TrustStoreIdentifier=store_id)["DistributionList"]["Quantity"] == 0
    cfm.delete_trust_store(Id=store_id, IfMatch=etag)


def test_snapshot_round_trip(start_emulator, new_account, tmp_path):
    """Snapshots carry trust stores with what their bundle held, and the in-use rule holds after import."""
    em = start_emulator("--propagation-delay", "3600", "--s3-dir", str(tmp_path))
    (tmp_path / "trust-bucket" / "ca").mkdir(parents=True)
    (tmp_path / "trust-bucket" / "ca" / "bundle.pem").write_text(CA_PEM + CA_PEM)
    cf = u.make_model_client(em.url, new_account())
    created = cf.create_trust_store(Name="kept", CaCertificatesBundleSource=location(),
                                    UseClientCertificateOCSPEndpoint=True)
    store_id = created["TrustStore"]["Id"]
    cf.create_distribution(DistributionConfig=mtls(store_id))
    before = cf.get_trust_store(Identifier=store_id)
    snapshot = requests.get(em.url + "/_emulator/state", timeout=10).json()
    requests.post(em.url + "/_emulator/reset", json={}, timeout=10).raise_for_status()
    (tmp_path / "trust-bucket" / "ca" / "bundle.pem").unlink()  # importing never reads the bundle again
    r = requests.put(em.url + "/_emulator/state", json=snapshot, timeout=10)
    assert r.status_code == 200, r.text
    after = cf.get_trust_store(Identifier=store_id)
    assert (after["ETag"], after["TrustStore"]) == (before["ETag"], before["TrustStore"])
    assert after["TrustStore"]["NumberOfCaCertificates"] == 2
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cf.delete_trust_store(Id=store_id, IfMatch=after["ETag"])
