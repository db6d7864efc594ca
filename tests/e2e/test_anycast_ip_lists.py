"""Anycast static IP lists with boto3 on the repository's model copy (Debian's botocore does not know
them): every operation, the addresses the emulator allocates (documentation ranges, derived from the
list's id), Deploying → Deployed on the clock, ETags and If-Match, tags, IPAM CIDR configs, and the
distributions that use one (the list, the in-use rule, a missing list refused)."""

import ipaddress

import pytest
import requests

import e2e_util as u
from e2e_util import expect_error

POOL = "arn:aws:ec2::123456789012:ipam-pool/ipam-pool-0123456789abcdef0"


def fnv1a(text):
    value = 2166136261
    for byte in text.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def expected_ipv4(list_id, count):
    """README, "What the emulator decides for the world": a block of the three /24s of RFC 5737."""
    ranges = ["192.0.2.", "198.51.100.", "203.0.113."]
    first = fnv1a(list_id) % (254 * 3 // count) * count
    return [f"{ranges[n // 254]}{n % 254 + 1}" for n in range(first, first + count)]


def expected_ipv6(list_id, count):
    h = fnv1a(list_id)
    return [f"2001:db8:{h >> 16:x}:{h & 0xFFFF:x}::{n:x}" for n in range(1, count + 1)]


def settle(url, resource_id):
    requests.post(url + "/_emulator/settle", json={"id": resource_id}).raise_for_status()


def using(list_id, **overrides):
    return dict(u.dist_config(**overrides), AnycastIpListId=list_id)


def test_every_operation(cfm, url, account):
    created = cfm.create_anycast_ip_list(Name="static-ips", IpCount=21,
                                         Tags={"Items": [{"Key": "team", "Value": "edge"}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    ip_list = created["AnycastIpList"]
    list_id = ip_list["Id"]
    assert list_id.startswith("aip_") and len(list_id) == 26
    assert ip_list["Arn"] == f"arn:aws:cloudfront::{account}:anycast-ip-list/{list_id}"
    assert ip_list["Status"] == "Deploying" and ip_list["IpCount"] == 21 and ip_list["IpAddressType"] == "ipv4"
    assert ip_list["AnycastIps"] == expected_ipv4(list_id, 21)
    assert all(ipaddress.ip_address(ip).is_private for ip in ip_list["AnycastIps"])  # documentation ranges
    assert cfm.list_tags_for_resource(Resource=ip_list["Arn"])["Tags"]["Items"] == [{"Key": "team", "Value": "edge"}]

    settle(url, list_id)
    got = cfm.get_anycast_ip_list(Id=list_id)
    assert got["ETag"] == created["ETag"] and got["AnycastIpList"]["Status"] == "Deployed"
    assert got["AnycastIpList"]["AnycastIps"] == ip_list["AnycastIps"]
    with expect_error("EntityAlreadyExists", 409):
        cfm.create_anycast_ip_list(Name="static-ips", IpCount=3)

    with expect_error("MalformedXML", 400):  # the model requires If-Match
        cfm.update_anycast_ip_list(Id=list_id, IfMatch="", IpAddressType="dualstack")
    with expect_error("PreconditionFailed", 412):
        cfm.update_anycast_ip_list(Id=list_id, IfMatch="E2QWRUHAPOMQZL", IpAddressType="dualstack")
    updated = cfm.update_anycast_ip_list(Id=list_id, IfMatch=got["ETag"], IpAddressType="dualstack")
    answer = updated["AnycastIpList"]
    assert updated["ETag"] != got["ETag"] and answer["Status"] == "Deploying"
    assert answer["Name"] == "static-ips" and answer["IpCount"] == 21 and answer["IpAddressType"] == "dualstack"
    assert answer["AnycastIps"] == expected_ipv4(list_id, 21) + expected_ipv6(list_id, 21)

    listed = cfm.list_anycast_ip_lists()["AnycastIpLists"]
    assert listed["Quantity"] == 1 and listed["IsTruncated"] is False
    [summary] = listed["Items"]
    assert (summary["Id"], summary["Name"], summary["ETag"], summary["IpCount"], summary["IpAddressType"]) == (
        list_id, "static-ips", updated["ETag"], 21, "dualstack")
    assert "AnycastIps" not in summary

    with expect_error("PreconditionFailed", 412):
        cfm.delete_anycast_ip_list(Id=list_id, IfMatch=created["ETag"])
    deleted = cfm.delete_anycast_ip_list(Id=list_id, IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (lambda: cfm.get_anycast_ip_list(Id=list_id),
                 lambda: cfm.update_anycast_ip_list(Id=list_id, IfMatch=updated["ETag"], IpAddressType="ipv4"),
                 lambda: cfm.delete_anycast_ip_list(Id=list_id, IfMatch=updated["ETag"])):
        with expect_error("EntityNotFound", 404):
            call()
    assert cfm.list_anycast_ip_lists()["AnycastIpLists"]["Quantity"] == 0


def test_three_addresses_ipv6_and_paging(cfm):
    first = cfm.create_anycast_ip_list(Name="three", IpCount=3, IpAddressType="ipv6")["AnycastIpList"]
    assert first["AnycastIps"] == expected_ipv6(first["Id"], 3)
    second = cfm.create_anycast_ip_list(Name="other", IpCount=3)["AnycastIpList"]
    assert second["AnycastIps"] == expected_ipv4(second["Id"], 3)
    page = cfm.list_anycast_ip_lists(MaxItems=1)["AnycastIpLists"]
    assert [i["Id"] for i in page["Items"]] == [first["Id"]] and page["IsTruncated"] is True
    rest = cfm.list_anycast_ip_lists(Marker=page["NextMarker"])["AnycastIpLists"]
    assert [i["Id"] for i in rest["Items"]] == [second["Id"]] and rest["IsTruncated"] is False


def test_ipam_cidr_configs(cfm, url):
    created = cfm.create_anycast_ip_list(
        Name="byoip", IpCount=3, IpAddressType="dualstack",
        IpamCidrConfigs=[{"Cidr": "203.0.113.77/24", "IpamPoolArn": POOL},
                         {"Cidr": "2001:db8:1234::/48", "IpamPoolArn": POOL}])["AnycastIpList"]
    assert created["AnycastIps"] == ["203.0.113.0", "2001:db8:1234::"]
    assert created["IpamConfig"]["Quantity"] == 2
    assert [(c["Cidr"], c["AnycastIp"], c["Status"]) for c in created["IpamConfig"]["IpamCidrConfigs"]] == [
        ("203.0.113.77/24", "203.0.113.0", "provisioning"), ("2001:db8:1234::/48", "2001:db8:1234::", "provisioning")]
    settle(url, created["Id"])
    got = cfm.get_anycast_ip_list(Id=created["Id"])["AnycastIpList"]
    assert {c["Status"] for c in got["IpamConfig"]["IpamCidrConfigs"]} == {"advertised"}


@pytest.mark.parametrize("kwargs", [
    {"IpCount": 4},
    {"IpCount": 3, "IpamCidrConfigs": [{"Cidr": "203.0.113.0/33", "IpamPoolArn": POOL}]},
    {"IpCount": 3, "IpamCidrConfigs": [{"Cidr": "2001:db8::/48", "IpamPoolArn": POOL}]},  # ipv4 list
    {"IpCount": 3, "IpamCidrConfigs": [{"Cidr": "203.0.113.0/24", "IpamPoolArn": "arn:aws:s3:::bucket"}]},
], ids=["count", "cidr", "family", "pool"])
def test_config_rules(cfm, kwargs):
    with expect_error("InvalidArgument", 400):
        cfm.create_anycast_ip_list(Name="bad", **kwargs)
    assert cfm.list_anycast_ip_lists()["AnycastIpLists"]["Quantity"] == 0


def test_name_pattern_and_limit(cfm):
    with expect_error("MalformedXML", 400):
        cfm.create_anycast_ip_list(Name="no spaces", IpCount=3)
    for n in range(10):
        cfm.create_anycast_ip_list(Name=f"list-{n}", IpCount=3)
    with expect_error("EntityLimitExceeded", 400):
        cfm.create_anycast_ip_list(Name="one-too-many", IpCount=3)


def test_distributions_use_it_both_ways(cfm, url):
    created = cfm.create_anycast_ip_list(Name="for-dist", IpCount=3)
    list_id, etag = created["AnycastIpList"]["Id"], created["ETag"]
    dist = cfm.create_distribution(DistributionConfig=using(list_id))["Distribution"]
    assert dist["DistributionConfig"]["AnycastIpListId"] == list_id
    cfm.create_distribution(DistributionConfig=u.dist_config())
    with expect_error("EntityNotFound", 404):
        cfm.create_distribution(DistributionConfig=using("aip_NoSuchList0000000000000"))
    with expect_error("InvalidArgument", 400):
        cfm.create_distribution(DistributionConfig=dict(using(list_id), ConnectionMode="tenant-only"))

    listed = cfm.list_distributions_by_anycast_ip_list_id(AnycastIpListId=list_id)["DistributionList"]
    assert [d["Id"] for d in listed["Items"]] == [dist["Id"]] and listed["Quantity"] == 1
    assert listed["Items"][0]["AnycastIpListId"] == list_id
    with expect_error("EntityNotFound", 404):
        cfm.list_distributions_by_anycast_ip_list_id(AnycastIpListId="aip_NoSuchList0000000000000")

    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_anycast_ip_list(Id=list_id, IfMatch=etag)
    # Once no distribution names it, it can go.
    config = cfm.get_distribution_config(Id=dist["Id"])
    cfm.update_distribution(Id=dist["Id"], IfMatch=config["ETag"],
                            DistributionConfig=dict(config["DistributionConfig"], AnycastIpListId=""))
    assert cfm.list_distributions_by_anycast_ip_list_id(AnycastIpListId=list_id)["DistributionList"]["Quantity"] == 0
    cfm.delete_anycast_ip_list(Id=list_id, IfMatch=etag)


def test_snapshot_round_trip(start_emulator, new_account):
    """Snapshots carry Anycast static IP lists (same answers, same addresses), and the in-use rule holds after import."""
    em = start_emulator("--propagation-delay", "3600")
    cf = u.make_model_client(em.url, new_account())
    created = cf.create_anycast_ip_list(Name="kept", IpCount=3, IpAddressType="dualstack",
                                        IpamCidrConfigs=[{"Cidr": "198.51.100.0/24", "IpamPoolArn": POOL}])
    list_id = created["AnycastIpList"]["Id"]
    cf.create_distribution(DistributionConfig=using(list_id))
    before = cf.get_anycast_ip_list(Id=list_id)
    snapshot = requests.get(em.url + "/_emulator/state", timeout=10).json()
    requests.post(em.url + "/_emulator/reset", json={}, timeout=10).raise_for_status()
    r = requests.put(em.url + "/_emulator/state", json=snapshot, timeout=10)
    assert r.status_code == 200, r.text
    after = cf.get_anycast_ip_list(Id=list_id)
    assert (after["ETag"], after["AnycastIpList"]) == (before["ETag"], before["AnycastIpList"])
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cf.delete_anycast_ip_list(Id=list_id, IfMatch=after["ETag"])


def test_connection_groups_use_it_both_ways(cfm):
    """A connection group's AnycastIpListId must name a list of the account; the list cannot be
    deleted while a group names it (checked in the write transaction, as for distributions)."""
    created = cfm.create_anycast_ip_list(Name="for-group", IpCount=3)
    list_id, etag = created["AnycastIpList"]["Id"], created["ETag"]
    with expect_error("EntityNotFound", 404):
        cfm.create_connection_group(Name="no-list", AnycastIpListId="aip_NoSuchList0000000000000")
    group = cfm.create_connection_group(Name="with-list", AnycastIpListId=list_id)
    assert group["ConnectionGroup"]["AnycastIpListId"] == list_id
    with expect_error("CannotDeleteEntityWhileInUse", 409):
        cfm.delete_anycast_ip_list(Id=list_id, IfMatch=etag)
