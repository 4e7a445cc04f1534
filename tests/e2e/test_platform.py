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
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Change log" in page.inner_text("body")
    page.click("[data-testid=lang-zh]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_village_cadre_on_a_phone(phone):
    phone.login("village1")
    phone.goto("/villages/")
    assert phone.page.locator("[data-testid=object-table]").is_visible()
    # The sidebar collapses into a menu button on a phone.
    assert phone.page.locator("button[aria-controls=sidebar]").is_visible()
    assert get_user_model().objects.get(username="village1").villages.count() == 1
