"""Invalidations: create/get/list, InProgress -> Completed, caller references, limits (boto3)."""

import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

import e2e_util as u


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def batch(paths, ref=None):
    return {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": ref or uuid.uuid4().hex}


@pytest.fixture
def distribution_id(cf, dist_config):
    return cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]


def test_create_get_and_complete(cf, distribution_id):
    created = cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch(["/index.html", "/img/*"]))
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    invalidation = created["Invalidation"]
    assert invalidation["Id"].startswith("I") and len(invalidation["Id"]) == 14
    assert invalidation["Status"] == "InProgress"
    assert created["Location"].endswith(f"/2020-05-31/distribution/{distribution_id}/invalidation/{invalidation['Id']}")
    assert invalidation["InvalidationBatch"]["Paths"]["Items"] == ["/index.html", "/img/*"]
    # The session emulator has --invalidation-delay 0: the next read is Completed.
    got = cf.get_invalidation(DistributionId=distribution_id, Id=invalidation["Id"])["Invalidation"]
    assert got["Status"] == "Completed"
    assert got["CreateTime"] == invalidation["CreateTime"]
    cf.get_waiter("invalidation_completed").wait(
        DistributionId=distribution_id, Id=invalidation["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 3})


def test_in_progress_batches_counted_and_waiter(start_emulator, new_account, dist_config):
    em = start_emulator("--invalidation-delay", "1.5")
    cf = u.make_client(em.url, new_account())
    dist_id = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    first = cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch(["/a"]))["Invalidation"]
    cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch(["/b"]))
    assert cf.get_distribution(Id=dist_id)["Distribution"]["InProgressInvalidationBatches"] == 2
    assert cf.get_invalidation(DistributionId=dist_id, Id=first["Id"])["Invalidation"]["Status"] == "InProgress"
    started = time.monotonic()
    cf.get_waiter("invalidation_completed").wait(
        DistributionId=dist_id, Id=first["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert time.monotonic() - started < 4
    assert cf.get_distribution(Id=dist_id)["Distribution"]["InProgressInvalidationBatches"] == 0


def test_list_newest_first_with_pagination(cf, distribution_id):
    ids = [cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch([f"/p{i}"]))
           ["Invalidation"]["Id"] for i in range(5)]
    page = cf.list_invalidations(DistributionId=distribution_id, MaxItems="2")["InvalidationList"]
    assert [item["Id"] for item in page["Items"]] == ids[::-1][:2]
    assert page["IsTruncated"] is True and page["NextMarker"] == ids[3]
    rest = cf.list_invalidations(DistributionId=distribution_id, Marker=page["NextMarker"], MaxItems="10")
    assert [item["Id"] for item in rest["InvalidationList"]["Items"]] == ids[::-1][2:]
    assert rest["InvalidationList"]["IsTruncated"] is False
    assert all(item["Status"] == "Completed" for item in rest["InvalidationList"]["Items"])


def test_reused_caller_reference(cf, distribution_id):
    first = cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch(["/x"], "ref-1"))
    again = cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch(["/x"], "ref-1"))
    assert again["Invalidation"]["Id"] == first["Invalidation"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch(["/y"], "ref-1"))
    assert error_code(excinfo) == "InvalidArgument"
    assert "caller reference that was used for a previous invalidation batch" in excinfo.value.response["Error"]["Message"]
    listed = cf.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    assert listed["Quantity"] == 1


def test_errors(cf, distribution_id):
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId="ENOSUCHDIST123", InvalidationBatch=batch(["/a"]))
    assert error_code(excinfo) == "NoSuchDistribution"
    with pytest.raises(ClientError) as excinfo:
        cf.get_invalidation(DistributionId=distribution_id, Id="INOSUCHINVALID")
    assert error_code(excinfo) == "NoSuchInvalidation"
    with pytest.raises(ClientError) as excinfo:
        cf.list_invalidations(DistributionId="ENOSUCHDIST123")
    assert error_code(excinfo) == "NoSuchDistribution"
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch(["no-slash"]))
    assert error_code(excinfo) == "InvalidArgument"
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=distribution_id,
                               InvalidationBatch={"Paths": {"Quantity": 2, "Items": ["/a"]}, "CallerReference": "q"})
    assert error_code(excinfo) == "InconsistentQuantities"
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch([f"/{i}" for i in range(3001)]))
    assert error_code(excinfo) == "BatchTooLarge"
    assert cf.list_invalidations(DistributionId=distribution_id)["InvalidationList"]["Quantity"] == 0


def test_in_progress_limits(start_emulator, new_account, dist_config):
    em = start_emulator("--invalidation-delay", "3600")
    cf = u.make_client(em.url, new_account())
    dist_id = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch([f"/w{i}/*" for i in range(15)]))
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch(["/one-more/*"]))
    assert error_code(excinfo) == "TooManyInvalidationsInProgress"
    cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch([f"/f{i}" for i in range(2985)]))
    with pytest.raises(ClientError) as excinfo:
        cf.create_invalidation(DistributionId=dist_id, InvalidationBatch=batch(["/last-straw"]))
    assert error_code(excinfo) == "TooManyInvalidationsInProgress"


def test_deleting_a_distribution_deletes_its_invalidations(start_emulator, new_account, dist_config):
    em = start_emulator("--propagation-delay", "0")
    cf = u.make_client(em.url, new_account())
    dist_id = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    kept_id = cf.create_distribution(DistributionConfig=dist_config())["Distribution"]["Id"]
    for target in (dist_id, dist_id, kept_id):
        cf.create_invalidation(DistributionId=target, InvalidationBatch=batch(["/index.html"]))

    current = cf.get_distribution_config(Id=dist_id)
    disabled = cf.update_distribution(Id=dist_id, IfMatch=current["ETag"],
                                      DistributionConfig=dict(current["DistributionConfig"], Enabled=False))
    u.wait_deployed(cf, dist_id)
    cf.delete_distribution(Id=dist_id, IfMatch=disabled["ETag"])

    state = requests.get(em.url + "/_emulator/state", timeout=5).json()["resources"]
    parents = [r["parent"] for r in state if r["kind"] == "invalidation"]
    assert parents == [kept_id], "the deleted distribution's invalidations must go with it"
    assert cf.list_invalidations(DistributionId=kept_id)["InvalidationList"]["Quantity"] == 1
