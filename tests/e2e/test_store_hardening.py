"""The --db file under hostile conditions (issue 11): a file size limit or a full disk fails the
writes that do not fit and acknowledges nothing that was not stored; a file deleted or replaced
while the emulator runs stops every write, saying so, instead of writing on into a file that is
gone."""

import os
import stat

import pytest

import e2e_util as u


def limited_binary(tmp_path, max_file_bytes):
    """A wrapper that starts the emulator under RLIMIT_FSIZE (what `ulimit -f` sets)."""
    wrapper = tmp_path / "cloudfront-local-fsize"
    wrapper.write_text(
        "#!/usr/bin/python3\n"
        "import os, resource, signal, sys\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({max_file_bytes}, {max_file_bytes}))\n"
        # Python ignores SIGXFSZ, and exec keeps that: give the emulator the default (terminate).
        "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
        f"os.execv({str(u.BINARY)!r}, [{str(u.BINARY)!r}] + sys.argv[1:])\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def test_a_file_size_limit_fails_writes_and_acknowledges_only_what_is_stored(tmp_path, start_emulator,
                                                                            account):
    """Before: SIGXFSZ killed the process on the first write past the limit."""
    db = tmp_path / "state.db"
    em = start_emulator("--db", db, "--log-level", "error", binary=limited_binary(tmp_path, 400_000))
    cf = u.make_client(em.url, account)
    acknowledged = []
    failures = []
    for _ in range(400):
        try:
            acknowledged.append(cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"])
        except cf.exceptions.ClientError as error:
            failures.append(error.response)
            if len(failures) >= 3:
                break
    assert failures, "the file size limit was never reached"
    assert acknowledged, "nothing fit under the limit"
    assert em.alive()
    for response in failures:
        assert response["ResponseMetadata"]["HTTPStatusCode"] >= 500
        assert "store" in response["Error"]["Message"].lower(), response["Error"]
    em.stop()
    # Everything acknowledged is there after a restart without the limit, and nothing else.
    again = start_emulator("--db", db)
    listed = u.make_client(again.url, account).list_distributions(MaxItems="1000")["DistributionList"]
    assert sorted(item["Id"] for item in listed.get("Items", [])) == sorted(acknowledged)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_db_file_deleted_or_replaced_while_running_stops_writes(tmp_path, start_emulator, account, how):
    """Before: writes went on answering 201 into the deleted file and were lost at restart, and a
    second emulator could open the same path."""
    db = tmp_path / "state.db"
    em = start_emulator("--db", db, "--log-level", "warn")
    cf = u.make_client(em.url, account)
    kept = cf.create_distribution(DistributionConfig=u.dist_config())["Distribution"]["Id"]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    if how == "replaced":
        db.write_bytes(b"")
    with pytest.raises(cf.exceptions.ClientError) as refused:
        cf.create_distribution(DistributionConfig=u.dist_config())
    message = refused.value.response["Error"]["Message"]
    assert f"was {how}" in message and str(db) in message, message
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 500
    # Reads still answer from memory; writes keep failing.
    assert cf.get_distribution(Id=kept)["Distribution"]["Id"] == kept
    with pytest.raises(cf.exceptions.ClientError):
        cf.create_distribution(DistributionConfig=u.dist_config())
    assert f"was {how}" in em.stderr_text()
