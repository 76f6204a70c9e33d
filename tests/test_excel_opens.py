"""Excel opens every workbook we write without offering to repair it: each
passes an OOXML schema audit (openxml-audit, a port of the Open XML SDK's
validator), so a malformed part is caught here, not by a co-ordinator."""

from __future__ import annotations

from pathlib import Path

from openxml_audit import OpenXmlValidator
from openxml_audit.verdict import predict


def test_every_workbook_we_write_passes_the_ooxml_audit(demo_written: dict[str, Path]) -> None:
    assert len(demo_written) >= 14
    validator = OpenXmlValidator()
    findings = {}
    for name, path in demo_written.items():
        result = validator.validate(path)
        if not result.is_valid or result.errors:
            findings[name] = [str(e)[:300] for e in result.errors[:5]]
        assert "expected to open cleanly" in predict(result).headline, (name, predict(result).headline)
    assert not findings, findings


def test_the_audit_finds_a_broken_workbook(demo_written: dict[str, Path], tmp_path: Path) -> None:
    """The audit can fail: a sheet with an element out of its schema's order is reported."""
    import zipfile

    source = next(p for n, p in demo_written.items() if "progress tracker" in n)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b'<sheetData><row r="1" ht="not a number"/>', 1)
            out.writestr(item, data)
    assert not OpenXmlValidator().validate(broken).is_valid
