"""Hostile uploads (issue 9.1, 9.2): a few KB that would make python-calamine allocate
hundreds of GiB, zip bombs, shared strings copied into millions of cells. Each is refused
with a Chinese message *before* calamine reads it — on the page (400), in the --json report,
and by the command with exit status 1 (not 134: the process does not abort)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from zhenwu.core.importing import guard
from zhenwu.core.importing.reader import ImportFileError, read_table
from zhenwu.core.models import Village
from zhenwu.core.tests.xlsx_parts import far_cell, inline, number, row, xlsx, zip_bomb

REPO = Path(__file__).resolve().parents[3]


def refused(content: bytes) -> str:
    with pytest.raises(ImportFileError) as exc:
        read_table(content, "台账.xlsx")
    return str(exc.value)


def test_one_cell_at_xfd1048576_is_refused_before_reading():
    content = far_cell()
    assert len(content) < 5_000
    message = refused(content)
    assert "文件过大" in message and "16,384" in message and "多余的单元格" in message


def test_a_cell_far_below_a1_is_refused_too():
    # A1 and Z1048576: calamine would build a dense grid of 27 million cells
    content = xlsx([row(1, inline("A1", "项目名称")), row(1_048_576, number("Z1048576", 1))])
    message = refused(content)
    assert "使用区域过大" in message and "1,048,576" in message


def test_cells_without_references_are_counted_too():
    # <c> without r: calamine places them one after another
    wide = b"<row>" + b"<c><v>1</v></c>" * 3000 + b"</row>"
    message = refused(xlsx([wide]))
    assert "3,000" in message and "列" in message


def test_a_zip_bomb_is_refused_while_streaming():
    content = zip_bomb()
    assert len(content) < 500_000  # ~150 MB of cells once inflated
    message = refused(content)
    assert "使用区域过大" in message and "6,000,000" in message


def test_declared_sizes_are_bounded(monkeypatch):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED", 50_000)
    content = xlsx([row(i, number(f"A{i}", i)) for i in range(1, 5_000)])
    assert "解压后有" in refused(content)


def test_shared_strings_copied_into_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(guard, "MAX_STRING_BYTES", 5_000_000)
    long_text = "长" * 30_000  # 90 KB in UTF-8, once in the file
    cells = b"".join(row(i, f'<c r="A{i}" t="s"><v>0</v></c>'.encode()) for i in range(1, 101))
    message = refused(xlsx([cells], shared_strings=[long_text.encode()]))
    assert "文字展开后" in message


def test_an_ordinary_workbook_passes_the_guard():
    content = xlsx(
        [row(1, inline("A1", "名称"), inline("B1", "户籍人口"))]
        + [row(i, inline(f"A{i}", f"村{i}"), number(f"B{i}", i)) for i in range(2, 200)]
    )
    sheet = read_table(content, "a.xlsx")
    assert len(sheet.rows) == 199 and sheet.rows[5] == ["村6", 6.0]


def test_the_import_page_answers_400_with_the_message(world):
    upload = SimpleUploadedFile("v.xlsx", far_cell())
    response = world.client("admin").post("/villages/import/", {"file": upload})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_the_json_report_names_the_reason(world, tmp_path):
    # before the guard this aborted the process running it (SIGABRT: exit status 134)
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell())
    out = io.StringIO()
    before = Village.objects.count()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "villages", str(path), "--json", stdout=out, stderr=io.StringIO())
    assert exc.value.code == 1
    report = json.loads(out.getvalue())
    assert report["ok"] is False and "文件过大" in report["errors"][0]["message"]
    assert Village.objects.count() == before


@pytest.mark.soak
@pytest.mark.skipif(not os.environ.get("ZHENWU_SOAK"), reason="make soak (migrates a database)")
@pytest.mark.django_db(transaction=True)
def test_the_command_exits_1_not_134_under_a_memory_limit(tmp_path):
    """`zhenwu import … --json` in its own process, with its address space capped at 1.5 GiB:
    before the guard, the 4.7 KB file aborted the process (exit 134) and the zip bomb grew it
    past 1.7 GB. (`make soak`: it migrates a fresh database first.)"""
    env = {**os.environ, "ZHENWU_DATA_DIR": str(tmp_path / "data"), "ZHENWU_TESTING": "1"}
    env.pop("DATABASE_URL", None)
    zhenwu = [sys.executable, "-m", "zhenwu.manage"]
    subprocess.run([*zhenwu, "migrate", "-v", "0"], env=env, cwd=REPO, check=True, timeout=300)
    subprocess.run(
        [*zhenwu, "createsuperuser", "--noinput", "--username", "ops", "--email", "o@x.cn"],
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "Zhenwu@2025-ops"},
        cwd=REPO,
        check=True,
        timeout=120,
    )

    def limit():  # in the child: its address space, not the test's
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))

    for name, content in (("far.xlsx", far_cell()), ("bomb.xlsx", zip_bomb())):
        path = tmp_path / name
        path.write_bytes(content)
        done = subprocess.run(
            [*zhenwu, "import", "villages", str(path), "--json"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=limit,
        )
        assert done.returncode == 1, (name, done.returncode, done.stderr[-2000:])
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["ok"] is False and "文件过大" in report["errors"][0]["message"], name
