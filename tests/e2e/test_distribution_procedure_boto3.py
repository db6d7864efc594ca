"""Procedure 1 with boto3: create, read, disable, wait, delete a web distribution — and the
If-Match / ETag / lifecycle rules around it."""

import time
import xml.etree.ElementTree as ET

import e2e_util as u
from e2e_util import expect_error


def _create(cf, cfg):
    resp = cf.create_distribution(DistributionConfig=cfg)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 201, resp["ResponseMetadata"]
    return resp


def test_procedure_create_disable_wait_delete(cf, account, dist_config):
    cfg = dist_config(comment="procedure 1")

    # 1. Create: 201, Location, ETag, identifiers, InProgress, defaults echoed.
    created = _create(cf, cfg)
    dist = created["Distribution"]
    dist_id = dist["Id"]
    assert u.ID_RE.match(dist_id), dist_id
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist_id}"
    headers = created["ResponseMetadata"]["HTTPHeaders"]
    assert headers["location"] == created["Location"]
    etag1 = created["ETag"]
    assert u.ETAG_RE.match(etag1), etag1
    assert dist["ARN"] == f"arn:aws:cloudfront::{account}:distribution/{dist_id}"
    assert u.DOMAIN_RE.match(dist["DomainName"]), dist["DomainName"]
    assert dist["Status"] == "InProgress"
    assert dist["InProgressInvalidationBatches"] == 0
    u.assert_recent(dist["LastModifiedTime"])
    assert dist["ActiveTrustedSigners"]["Enabled"] is False
    assert dist["ActiveTrustedSigners"]["Quantity"] == 0
    assert dist["ActiveTrustedKeyGroups"]["Enabled"] is False
    assert dist["ActiveTrustedKeyGroups"]["Quantity"] == 0
    u.assert_subset(cfg, dist["DistributionConfig"])
    u.assert_defaults(dist["DistributionConfig"])
    # The request id header is present on successes too.
    assert headers.get("x-amzn-requestid"), headers

    # 2. Get the config and its ETag: the same version as the create answered.
    got_cfg = cf.get_distribution_config(Id=dist_id)
    assert got_cfg["ETag"] == etag1
    assert got_cfg["DistributionConfig"] == dist["DistributionConfig"]
    got = cf.get_distribution(Id=dist_id)
    assert got["ETag"] == etag1
    assert got["Distribution"]["Id"] == dist_id
    assert got["Distribution"]["DistributionConfig"] == got_cfg["DistributionConfig"]

    # 3. Disable it: update with If-Match -> new ETag, InProgress.
    disabled = dict(got_cfg["DistributionConfig"], Enabled=False)
    upd = cf.update_distribution(Id=dist_id, IfMatch=etag1, DistributionConfig=disabled)
    assert upd["ResponseMetadata"]["HTTPStatusCode"] == 200
    etag2 = upd["ETag"]
    assert u.ETAG_RE.match(etag2), etag2
    assert etag2 != etag1
    assert upd["Distribution"]["Status"] == "InProgress"
    assert upd["Distribution"]["DistributionConfig"]["Enabled"] is False
    assert upd["Distribution"]["LastModifiedTime"] >= dist["LastModifiedTime"]
    assert upd["Distribution"]["DomainName"] == dist["DomainName"]
    assert upd["Distribution"]["ARN"] == dist["ARN"]

    # 4. Delete before it is deployed -> 409 DistributionNotDisabled.
    with expect_error("DistributionNotDisabled", 409):
        cf.delete_distribution(Id=dist_id, IfMatch=etag2)

    # 5. Wait for Deployed (1 s propagation here).
    u.wait_deployed(cf, dist_id)
    deployed = cf.get_distribution(Id=dist_id)
    assert deployed["Distribution"]["Status"] == "Deployed"
    assert deployed["ETag"] == etag2, "Deployed must not rotate the ETag"

    # 6. Delete with a stale ETag -> 412; with garbage -> 412.
    with expect_error("PreconditionFailed", 412):
        cf.delete_distribution(Id=dist_id, IfMatch=etag1)
    with expect_error("PreconditionFailed", 412):
        cf.delete_distribution(Id=dist_id, IfMatch="E0000000000000")
    assert cf.get_distribution(Id=dist_id)["ETag"] == etag2

    # 7. Delete with the current ETag -> 204.
    deleted = cf.delete_distribution(Id=dist_id, IfMatch=etag2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204

    # 8. Every read (and write) now -> 404 NoSuchDistribution.
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=dist_id)
    with expect_error("NoSuchDistribution", 404):
        cf.get_distribution_config(Id=dist_id)
    with expect_error("NoSuchDistribution", 404):
        cf.update_distribution(Id=dist_id, IfMatch=etag2, DistributionConfig=disabled)
    with expect_error("NoSuchDistribution", 404):
        cf.delete_distribution(Id=dist_id, IfMatch=etag2)
    with expect_error("NoSuchResource", 404):
        cf.list_tags_for_resource(Resource=dist["ARN"])
    assert dist_id not in u.list_all_ids(cf)


def test_delete_enabled_deployed_distribution_is_refused(cf, dist_config):
    created = _create(cf, dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    u.wait_deployed(cf, dist_id)
    with expect_error("DistributionNotDisabled", 409) as ei:
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    assert ei.value.response["Error"]["Message"]
    after = cf.get_distribution(Id=dist_id)
    assert after["ETag"] == etag
    assert after["Distribution"]["Status"] == "Deployed"
    assert after["Distribution"]["DistributionConfig"]["Enabled"] is True


def test_delete_in_progress_enabled_distribution_is_refused(cf, dist_config):
    created = _create(cf, dist_config())
    with expect_error("DistributionNotDisabled", 409):
        cf.delete_distribution(Id=created["Distribution"]["Id"], IfMatch=created["ETag"])


def test_if_match_missing_or_empty(cf, raw, dist_config):
    created = _create(cf, dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    body = u.serialize_body("UpdateDistribution", {
        "Id": dist_id, "IfMatch": etag,
        "DistributionConfig": dict(created["Distribution"]["DistributionConfig"],
                                   Comment="changed without If-Match"),
    })
    path = f"/2020-05-31/distribution/{dist_id}"

    # Missing If-Match (boto3 refuses to send that): raw HTTP.
    r = raw.delete(path)
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")
    r = raw.put(path + "/config", body=body)
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")
    # Empty If-Match.
    r = raw.delete(path, headers={"If-Match": ""})
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")
    r = raw.put(path + "/config", body=body, headers={"If-Match": ""})
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")
    # Empty If-Match through boto3 as well.
    with expect_error("InvalidIfMatchVersion", 400):
        cf.delete_distribution(Id=dist_id, IfMatch="")

    # Positive control: the same raw body with the right If-Match is accepted.
    after = cf.get_distribution_config(Id=dist_id)
    assert after["ETag"] == etag
    assert after["DistributionConfig"]["Comment"] == created["Distribution"]["DistributionConfig"]["Comment"]
    r = raw.put(path + "/config", body=body, headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    assert u.ETAG_RE.match(r.headers["ETag"]) and r.headers["ETag"] != etag
    assert cf.get_distribution_config(Id=dist_id)["DistributionConfig"]["Comment"] == \
        "changed without If-Match"


def test_etag_unchanged_by_deployment_and_get_agrees_with_get_config(cf, dist_config):
    created = _create(cf, dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    g1, c1 = cf.get_distribution(Id=dist_id), cf.get_distribution_config(Id=dist_id)
    assert g1["Distribution"]["Status"] == "InProgress"
    assert g1["ETag"] == c1["ETag"] == etag
    u.wait_deployed(cf, dist_id)
    g2, c2 = cf.get_distribution(Id=dist_id), cf.get_distribution_config(Id=dist_id)
    assert g2["Distribution"]["Status"] == "Deployed"
    assert g2["ETag"] == c2["ETag"] == etag
    assert g2["Distribution"]["LastModifiedTime"] == g1["Distribution"]["LastModifiedTime"]
    assert g2["Distribution"]["DistributionConfig"] == c2["DistributionConfig"]

    # After an update the two agree on the new version.
    upd = cf.update_distribution(Id=dist_id, IfMatch=etag,
                                 DistributionConfig=dict(c2["DistributionConfig"], Comment="v2"))
    assert upd["Distribution"]["Status"] == "InProgress"
    g3, c3 = cf.get_distribution(Id=dist_id), cf.get_distribution_config(Id=dist_id)
    assert g3["ETag"] == c3["ETag"] == upd["ETag"] != etag
    assert c3["DistributionConfig"]["Comment"] == "v2"
    assert g3["Distribution"]["DistributionConfig"] == c3["DistributionConfig"]
    assert g3["Distribution"]["LastModifiedTime"] > g2["Distribution"]["LastModifiedTime"]


def test_every_update_rotates_the_etag(cf, dist_config):
    created = _create(cf, dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    cfg = created["Distribution"]["DistributionConfig"]
    seen = {etag}
    for i in range(4):
        # Even an identical config is a new version.
        upd = cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=cfg)
        assert upd["ETag"] not in seen, (i, upd["ETag"], seen)
        assert u.ETAG_RE.match(upd["ETag"])
        etag = upd["ETag"]
        seen.add(etag)
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == etag


def test_update_replaces_the_whole_config(cf, dist_config):
    cfg = dist_config(**u.with_aliases(f"{u.unique_ref('www')}.example.com"),
                      DefaultRootObject="index.html", PriceClass="PriceClass_100")
    created = _create(cf, cfg)
    dist_id = created["Distribution"]["Id"]
    assert created["Distribution"]["DistributionConfig"]["PriceClass"] == "PriceClass_100"
    assert created["Distribution"]["DistributionConfig"]["DefaultRootObject"] == "index.html"
    # Send the minimal config again (same CallerReference): omitted fields go back to defaults.
    minimal = dist_config(caller_reference=cfg["CallerReference"], comment="replaced")
    upd = cf.update_distribution(Id=dist_id, IfMatch=created["ETag"], DistributionConfig=minimal)
    new_cfg = upd["Distribution"]["DistributionConfig"]
    assert new_cfg["Comment"] == "replaced"
    u.assert_defaults(new_cfg)
    assert new_cfg.get("DefaultRootObject", "") == ""
    assert cf.get_distribution_config(Id=dist_id)["DistributionConfig"] == new_cfg


def test_failed_requests_change_nothing(cf, raw, dist_config):
    created = _create(cf, dist_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    u.wait_deployed(cf, dist_id)
    before = cf.get_distribution(Id=dist_id)
    assert before["Distribution"]["Status"] == "Deployed"
    good = before["Distribution"]["DistributionConfig"]

    with expect_error("PreconditionFailed", 412):
        cf.update_distribution(Id=dist_id, IfMatch="ESTALEESTALE00",
                               DistributionConfig=dict(good, Comment="stale"))
    with expect_error("IllegalUpdate", 400):
        cf.update_distribution(Id=dist_id, IfMatch=etag,
                               DistributionConfig=dict(good, CallerReference=u.unique_ref(),
                                                       Comment="illegal"))
    with expect_error("InconsistentQuantities", 400):
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=dict(
            good, Comment="inconsistent", Aliases={"Quantity": 3, "Items": ["a.example.com"]}))
    with expect_error("NoSuchOrigin", 404):
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=dict(
            good, Comment="no origin",
            DefaultCacheBehavior=dict(good["DefaultCacheBehavior"], TargetOriginId="nope")))
    with expect_error("DistributionNotDisabled", 409):
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    r = raw.put(f"/2020-05-31/distribution/{dist_id}/config", body="<DistributionConfig",
                headers={"If-Match": etag})
    u.assert_raw_error(r, 400, "MalformedInput")
    r = raw.put(f"/2020-05-31/distribution/{dist_id}/config",
                body=u.serialize_body("UpdateDistribution", {
                    "Id": dist_id, "IfMatch": etag,
                    "DistributionConfig": dict(good, Comment="no if-match")}))
    u.assert_raw_error(r, 400, "InvalidIfMatchVersion")

    after = cf.get_distribution(Id=dist_id)
    assert after["ETag"] == etag
    assert after["Distribution"]["Status"] == "Deployed", "a failed update must not restart deployment"
    assert after["Distribution"]["LastModifiedTime"] == before["Distribution"]["LastModifiedTime"]
    assert after["Distribution"]["DistributionConfig"] == good
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == etag
    assert u.list_all_ids(cf) == [dist_id]


def test_raw_create_answers_wire_format(raw, account):
    r = raw.post("/2020-05-31/distribution", body=u.dist_config_xml(comment="raw"))
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("text/xml"), r.headers
    assert u.ETAG_RE.match(r.headers["ETag"]), r.headers
    assert r.headers.get("x-amzn-RequestId"), r.headers
    root = ET.fromstring(r.content)
    assert root.tag == f"{{{u.NS}}}Distribution", root.tag
    fields = {u.local(c.tag): c for c in root}
    dist_id = fields["Id"].text
    assert u.ID_RE.match(dist_id)
    assert r.headers["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist_id}"
    assert fields["ARN"].text == f"arn:aws:cloudfront::{account}:distribution/{dist_id}"
    assert u.TIMESTAMP_RE.match(fields["LastModifiedTime"].text), fields["LastModifiedTime"].text
    assert fields["Status"].text == "InProgress"
    assert "DistributionConfig" in fields
    g = raw.get(f"/2020-05-31/distribution/{dist_id}/config")
    assert g.status_code == 200
    assert g.headers["ETag"] == r.headers["ETag"]
    assert ET.fromstring(g.content).tag == f"{{{u.NS}}}DistributionConfig"


def test_propagation_delay_zero(start_emulator, make_client, account, dist_config):
    em = start_emulator("--propagation-delay", "0")
    cf = make_client(account, em.url)
    created = _create(cf, dist_config())
    assert created["Distribution"]["Status"] == "InProgress"
    dist_id = created["Distribution"]["Id"]
    got = cf.get_distribution(Id=dist_id)
    assert got["Distribution"]["Status"] == "Deployed"
    assert got["ETag"] == created["ETag"]
    upd = cf.update_distribution(Id=dist_id, IfMatch=created["ETag"], DistributionConfig=dict(
        got["Distribution"]["DistributionConfig"], Enabled=False))
    assert upd["Distribution"]["Status"] == "InProgress"
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    assert cf.delete_distribution(Id=dist_id, IfMatch=upd["ETag"])[
        "ResponseMetadata"]["HTTPStatusCode"] == 204


def test_fractional_propagation_delay(start_emulator, make_client, account, dist_config):
    em = start_emulator("--propagation-delay", "0.6")
    cf = make_client(account, em.url)
    created = _create(cf, dist_config())
    dist_id = created["Distribution"]["Id"]
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "InProgress"
    time.sleep(0.8)
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
