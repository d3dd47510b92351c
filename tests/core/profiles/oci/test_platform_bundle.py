"""Platforms (the document does not say which it targets) and bundle mode (root.path and the file on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import engine
from app.core.errors import UnknownPlatform
from app.core.profiles import get_profile
from tests.core.profiles.oci.support import LINUX, WINDOWS, edit, of_rule, run


def test_platforms() -> None:
    assert get_profile("oci").platforms == ("linux", "windows", "solaris", "vm", "zos", "freebsd")
    with pytest.raises(UnknownPlatform):
        run(LINUX, platform="darwin")


@pytest.mark.parametrize(
    "path",
    ["\\\\?\\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\\", "\\\\?\\Volume{EC84D99E-3F02-11E7-AC6C-00155D7682CF}"],
)
def test_windows_volume_guid_accepted(path: str) -> None:
    assert of_rule(run(edit(WINDOWS, {"/root/path": path}), platform="windows"), "OCI-ROOT-PATH-WIN") == []


@pytest.mark.parametrize("path", ["rootfs", "C:\\rootfs", "\\\\?\\Volume{xyz}\\"])
def test_windows_volume_guid_required(path: str) -> None:
    hits = of_rule(run(edit(WINDOWS, {"/root/path": path}), platform="windows"), "OCI-ROOT-PATH-WIN")
    assert [f.path for f in hits] == ["/root/path"]


def test_hyperv_must_not_have_root() -> None:
    doc = edit(WINDOWS, {"/windows/hyperv": {}})
    assert [f.path for f in of_rule(run(doc, platform="windows"), "OCI-ROOT-REQ")] == ["/root"]
    without_root = {k: v for k, v in doc.items() if k != "root"}
    assert run(without_root, platform="windows").findings == []
    assert [
        f.path for f in of_rule(run(without_root | {"windows": WINDOWS["windows"]}, platform="windows"), "OCI-ROOT-REQ")
    ] == ["/root"]


def test_cwd_is_absolute_per_platform() -> None:
    assert of_rule(run(edit(WINDOWS, {"/process/cwd": "/"}), platform="windows"), "OCI-PROC-CWD-ABS") != []
    assert of_rule(run(edit(LINUX, {"/process/cwd": "C:\\"})), "OCI-PROC-CWD-ABS") != []


def test_linux_object_on_windows_is_a_mismatch_warning() -> None:
    report = run(edit(WINDOWS, {"/linux": {}}), platform="windows")
    assert [(f.severity, f.path) for f in of_rule(report, "OCI-PLAT-MATCH")] == [("warning", "/linux")]


def test_windows_target_without_windows_object() -> None:
    report = run(LINUX, platform="windows")
    assert [(f.severity, f.path) for f in of_rule(report, "OCI-PLAT-WIN")] == [("error", "/windows")]


def _bundle(tmp_path: Path, root: str = "rootfs", make: bool = True) -> Path:
    if make:
        (tmp_path / root).mkdir()
    config = tmp_path / "config.json"
    config.write_text("{}")
    return config


def test_bundle_ok(tmp_path: Path) -> None:
    config = _bundle(tmp_path)
    report = run(LINUX, bundle=str(tmp_path), file_name=str(config))
    assert report.findings == []


def test_bundle_rules_run_only_in_bundle_mode(tmp_path: Path) -> None:
    assert of_rule(run(LINUX), "OCI-ROOT-PATH-DIR") == []
    assert of_rule(run(LINUX, file_name="spec.json"), "OCI-DOC-NAME") == []


def test_bundle_root_missing(tmp_path: Path) -> None:
    _bundle(tmp_path, make=False)
    hits = of_rule(run(LINUX, bundle=str(tmp_path)), "OCI-ROOT-PATH-DIR")
    assert [(f.severity, f.path) for f in hits] == [("error", "/root/path")]


def test_bundle_root_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "rootfs").write_text("")
    hits = of_rule(run(LINUX, bundle=str(tmp_path)), "OCI-ROOT-PATH-DIR")
    assert "not a directory" in hits[0].message


def test_bundle_root_must_be_a_child(tmp_path: Path) -> None:
    (tmp_path / "rootfs" / "rootfs").mkdir(parents=True)
    hits = of_rule(run(edit(LINUX, {"/root/path": "rootfs/rootfs"}), bundle=str(tmp_path)), "OCI-ROOT-PATH-DIR")
    assert [f.path for f in hits] == ["/root/path"]
    absolute = edit(LINUX, {"/root/path": str(tmp_path / "rootfs")})
    assert of_rule(run(absolute, bundle=str(tmp_path)), "OCI-ROOT-PATH-DIR") == []


def test_bundle_file_name(tmp_path: Path) -> None:
    _bundle(tmp_path)
    other = tmp_path / "spec.json"
    hits = of_rule(run(LINUX, bundle=str(tmp_path), file_name=str(other)), "OCI-DOC-NAME")
    assert [(f.severity, f.path) for f in hits] == [("error", "")]
    elsewhere = tmp_path / "sub" / "config.json"
    assert of_rule(run(LINUX, bundle=str(tmp_path), file_name=str(elsewhere)), "OCI-DOC-NAME") != []


def test_non_utf8_is_a_document_error() -> None:
    from app.core.errors import DocumentError

    with pytest.raises(DocumentError) as info:
        engine.validate(b'{"ociVersion": "1.3.0", "hostname": "\xff"}', profile="oci")
    assert info.value.kind == "encoding"
