"""The test servers' contract with CI (tests/servers.py): a missing server program skips the tests that need it,
naming it, and fails them under REQUIRE_TEST_SERVERS=1 (.ci/run), so that a green CI run means they ran."""

from __future__ import annotations

import pytest

from tests import servers


def test_a_missing_server_program_skips_naming_it_and_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(servers, "DEBIAN_POSTGRES", tmp_path)
    monkeypatch.setattr(servers, "REQUIRED", False)
    with pytest.raises(pytest.skip.Exception, match=r"pg_ctl not found \(install Debian's postgresql package"):
        servers.binary("pg_ctl", debian_postgres=True)
    monkeypatch.setattr(servers, "REQUIRED", True)
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_TEST_SERVERS=1 but redis-server not found"):
        servers.binary("redis-server")


def test_the_newest_of_debians_postgresql_versions_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(servers, "DEBIAN_POSTGRES", tmp_path)
    for version in ("9", "15", "13"):  # 15 is newer than 9, though it sorts before it as text
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "pg_ctl").touch()
    assert servers.binary("pg_ctl", debian_postgres=True) == tmp_path / "15" / "bin" / "pg_ctl"
