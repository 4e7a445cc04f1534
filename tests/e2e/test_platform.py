"""The platform journey: log in, the home page in Chinese, switch to English, open a
village, see its change log; a wrong password gets a Chinese message."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.e2e


def test_wrong_password_is_told_in_chinese(session):
    session.goto("/login/")
    session.page.fill("#id_username", "admin")
    session.page.fill("#id_password", "wrong-password")
    session.page.click("button[type=submit]")
    assert "用户名或密码错误" in session.page.inner_text("[data-testid=login-error]")


def test_login_home_language_village_changelog(session):
    page = session.page
    session.login("admin")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "南口镇" in page.inner_text("nav.navbar")
    session.shot("home")

    # Open a village from the navigation, edit it, and find the edit in its change log.
    page.click("text=村（社区）")
    page.wait_for_selector("[data-testid=object-table]")
    session.shot("villages")
    page.click("[data-testid=object-table] >> text=管家铺村")
    page.wait_for_selector("[data-testid=object-title]")
    assert page.inner_text("[data-testid=object-title]") == "管家铺村"
    page.click("text=编辑")
    page.fill("#id_secretary", "张书记（示例）")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=object-changelog]")
    log = page.inner_text("[data-testid=object-changelog]")
    assert "修改" in log and "张书记（示例）" in log and "系统管理员" in log
    session.shot("village-detail")

    # Switch to English and back.
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Change log" in page.inner_text("body")
    with page.expect_navigation():
        page.click("[data-testid=lang-zh]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_village_cadre_on_a_phone(phone):
    phone.login("village1")
    phone.goto("/villages/")
    assert phone.page.locator("[data-testid=object-cards]").is_visible()  # cards on a phone
    # The sidebar collapses into a menu button on a phone.
    assert phone.page.locator("button[aria-controls=sidebar]").is_visible()
    assert get_user_model().objects.get(username="village1").villages.count() == 1


def _noisy_jpeg(width: int, height: int) -> bytes:
    """A photo-like JPEG (noise does not compress), well over the browser's 300 KB threshold."""
    import io
    import os

    from PIL import Image

    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def test_photo_is_shrunk_in_the_browser_before_upload(session):
    from PIL import Image

    from zhenwu.core.models import Attachment, Village

    page = session.page
    session.login("admin")
    village = Village.objects.get(name="永福村")
    session.goto(f"/villages/{village.pk}/")
    original = _noisy_jpeg(2400, 1800)
    assert len(original) > 1_000_000
    page.set_input_files(
        "#attachments input[type=file]",
        files=[{"name": "村部.jpg", "mimeType": "image/jpeg", "buffer": original}],
    )
    page.click("#attachments button")
    page.wait_for_selector("#attachments img.photo-thumb")
    att = Attachment.objects.get(name="村部.jpg")
    assert att.is_photo and att.size < len(original)
    with att.file.open("rb") as fh:
        assert max(Image.open(fh).size) <= 1600
    session.shot("village-photo")


def test_import_page_reports_errors_then_imports(session):
    import io

    from openpyxl import Workbook

    from zhenwu.core.models import Village

    def xlsx(rows) -> bytes:
        wb = Workbook()
        wb.active.append(["南口镇村（社区）名册"])
        wb.active.append(["名称", "户籍人口"])
        for row in rows:
            wb.active.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    page = session.page
    session.login("admin")
    session.goto("/villages/import/")
    assert page.locator("[data-upload-progress] [data-progress]").count() == 1
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "坏.xlsx", "mimeType": mime, "buffer": xlsx([["新村", "很多"]])}],
    )
    page.click("[data-testid=import-form] button")
    report = page.wait_for_selector("[data-testid=import-report]")
    text = report.inner_text()
    assert "未写入任何数据" in text and "户籍人口" in text and "3" in text
    assert not Village.objects.filter(name="新村").exists()
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "好.xlsx", "mimeType": mime, "buffer": xlsx([["新村", "1200"]])}],
    )
    page.click("[data-testid=import-form] button")
    page.wait_for_selector("[data-testid=import-report].border-success")
    assert Village.objects.get(name="新村").population == 1200
    session.shot("village-import")


def test_api_docs_work_offline_under_the_csp(session):
    page = session.page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    session.login("admin")
    response = session.goto("/api/v1/docs")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/villages" in paths and "/api/v1/change-log" in paths
    assert not errors, errors
