"""Ansible's community.aws CloudFront modules (Debian's `ansible`, with Debian's boto3): one
playbook (tests/e2e/ansible/playbook.yml) creates an origin access identity and a distribution,
waits, invalidates, updates, disables and deletes, as a playbook author would. The playbook
asserts what the modules answer; this test checks what reached the emulator. Two bugs of
community.aws 5.5.0 are worked around in the playbook, as its users do (see the comments there).

The emulator runs with --propagation-delay 0: the modules wait with boto3's waiters at their
default 60 s delay, and with 0 the first poll after a change already sees Deployed."""

import os
import re
import shutil
import subprocess

import pytest

import e2e_util as u

PLAYBOOK = u.REPO / "tests" / "e2e" / "ansible" / "playbook.yml"


def test_ansible_playbook_create_wait_invalidate_update_disable_delete(start_emulator, new_account, tmp_path):
    playbook_command = shutil.which("ansible-playbook")
    if playbook_command is None:
        pytest.fail("ansible-playbook is not installed (./test.sh installs Debian's ansible)", pytrace=False)
    em = start_emulator("--propagation-delay", "0", "--invalidation-delay", "0")
    account = new_account()
    env = dict(os.environ, HOME=str(tmp_path), ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3")
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    p = subprocess.run([playbook_command, "-i", "localhost,", "-e", f"endpoint={em.url}", "-e", f"account={account}",
                        str(PLAYBOOK)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = p.stdout + p.stderr
    assert p.returncode == 0, f"ansible-playbook failed ({p.returncode}):\n{output[-6000:]}"
    assert re.search(r"localhost\s+: ok=13\s+changed=7\s+unreachable=0\s+failed=0", output), output[-3000:]
    ids = re.search(r"CFL distribution=(E\w+) identity=(E\w+) invalidation=(I\w+)", output)
    assert ids, output[-3000:]
    dist_id, identity_id, invalidation_id = ids.groups()

    calls = list(reversed(em.requests(account=account, limit=200)))
    assert calls and all(c["account"] == account for c in calls)
    failed = [(c["operation"], c["status"], c["error_code"]) for c in calls if c["status"] >= 400]
    assert failed == [], f"the modules met errors: {failed}"
    operations = [c["operation"] for c in calls]
    for expected in ["CreateCloudFrontOriginAccessIdentity", "CreateDistributionWithTags", "CreateInvalidation",
                     "GetInvalidation", "DeleteDistribution", "DeleteCloudFrontOriginAccessIdentity"]:
        assert operations.count(expected) == 1, (expected, operations)
    created = next(c for c in calls if c["operation"] == "CreateDistributionWithTags")
    assert created["path"] == "/2020-05-31/distribution" and created["status"] == 201
    invalidation = next(c for c in calls if c["operation"] == "CreateInvalidation")
    assert invalidation["path"] == f"/2020-05-31/distribution/{dist_id}/invalidation"

    # The waits polled GetDistribution; the delete used the ETag of the disabling update.
    updates = [c for c in calls if c["operation"] == "UpdateDistribution"]
    assert len(updates) == 3, operations  # the wait's no-op update, the comment, the disable
    delete = next(c for c in calls if c["operation"] == "DeleteDistribution")
    assert delete["status"] == 204 and delete["if_match"] == updates[-1]["etag"]
    after_disable = operations[operations.index("UpdateDistribution", operations.index("CreateInvalidation")) + 1:]
    assert "GetDistribution" in after_disable[:after_disable.index("DeleteDistribution")]
    oai_delete = next(c for c in calls if c["operation"] == "DeleteCloudFrontOriginAccessIdentity")
    assert oai_delete["path"].endswith(identity_id) and oai_delete["status"] == 204

    # Nothing of the account is left; the invalidation went with its distribution.
    assert em.call("GET", "/resources", query={"account": account})["resources"] == []
    cf = u.make_client(em.url, account)
    with u.expect_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=dist_id)
    with u.expect_error("NoSuchCloudFrontOriginAccessIdentity", 404):
        cf.get_cloud_front_origin_access_identity(Id=identity_id)
    assert invalidation_id.startswith("I")
