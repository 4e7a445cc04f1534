"""Attachments and comments on any record: server-side size/type/content checks, scoped
downloads, the change log, comments by readers, and the htmx partial."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhenwu.core import services
from zhenwu.core.models import Attachment, Comment, Department, ObjectChange, Village


def jpeg(name="photo.jpg", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _post(client, parent, upload, **extra):
    ct = ContentType.objects.get_for_model(parent.__class__)
    return client.post(
        "/attachments/add/", {"ct": ct.pk, "oid": parent.pk, "file": upload, **extra}, follow=True
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_photo_upload_is_stored_and_logged(world):
    village = world.villages[0]
    response = _post(world.client("admin"), village, jpeg(), caption="村部")
    assert response.status_code == 200
    att = Attachment.objects.get()
    assert (att.is_photo, att.mime_type, att.caption, att.village) == (
        True,
        "image/jpeg",
        "村部",
        village,
    )
    assert att.uploaded_by == world.users["admin"]
    with att.file.open("rb") as fh:
        assert Image.open(fh).size == (40, 30)
    entry = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Attachment), object_id=att.pk
    ).get()
    assert (entry.action, entry.source, entry.user) == ("create", "ui", world.users["admin"])
    # The detail page shows it.
    assert "photo.jpg" in world.client("admin").get(f"/villages/{village.pk}/").content.decode()


def test_too_large_is_refused_with_a_message(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = _post(world.client("admin"), world.villages[0], jpeg())
    assert any("超过上限" in m for m in _messages(response))
    assert not Attachment.objects.exists()


def test_wrong_type_is_refused(world):
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = _post(world.client("admin"), world.villages[0], exe)
    assert any("不支持的文件类型「.exe」" in m for m in _messages(response))
    assert not Attachment.objects.exists()


def test_fake_image_is_refused(world):
    fake = SimpleUploadedFile("photo.jpg", b"just some text", content_type="image/jpeg")
    response = _post(world.client("admin"), world.villages[0], fake)
    assert any("不是有效的图片" in m for m in _messages(response))
    assert not Attachment.objects.exists()


def test_empty_file_is_refused(world):
    empty = SimpleUploadedFile("notes.txt", b"", content_type="text/plain")
    # Django's test client drops empty files; call the service directly.
    with pytest.raises(Exception, match="空文件"):
        services.add_attachment(world.villages[0], uploaded=empty, acting_user=None)


def test_missing_file_gets_a_message(world):
    ct = ContentType.objects.get_for_model(Village)
    response = world.client("admin").post(
        "/attachments/add/", {"ct": ct.pk, "oid": world.villages[0].pk}, follow=True
    )
    assert any("请选择要上传的文件" in m for m in _messages(response))


@pytest.mark.parametrize("who", ["viewer", "village", "staff", "staff_nomodule", "inspector"])
def test_readers_cannot_attach_to_what_they_cannot_change(world, who):
    # They see the village (reference data) but may not change it: refused, 403.
    response = _post(world.client(who), world.villages[0], jpeg())
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_a_leader_may_attach_to_what_they_see(world):
    # Leaders approve (批示) on any record of their town: comments and files alike.
    response = _post(world.client("leader"), world.villages[0], jpeg())
    assert response.status_code == 200  # followed back to the record
    assert Attachment.objects.get().uploaded_by == world.users["leader"]


def test_cannot_attach_to_another_towns_record(world):
    response = _post(world.client("admin"), world.other_village, jpeg())
    assert response.status_code == 404


@pytest.mark.parametrize("data", [{}, {"ct": "abc", "oid": "1"}, {"ct": "999999", "oid": "1"}])
def test_junk_parent_is_404(world, data):
    assert world.client("admin").post("/attachments/add/", data).status_code == 404


def test_attachment_on_a_model_without_pages_redirects_home(world):
    """Parents without a registered resource (here a comment) have no detail page to return to."""
    comment = services.add_comment(world.villages[0], body="x", acting_user=world.users["admin"])
    ct = ContentType.objects.get_for_model(Comment)
    response = world.client("admin").post(
        "/attachments/add/", {"ct": ct.pk, "oid": comment.pk, "file": jpeg()}
    )
    assert response.status_code == 302 and response["Location"] == "/#attachments"
    assert Attachment.objects.get().object_id == comment.pk


def test_next_parameter_cannot_leave_the_site(world):
    ct = ContentType.objects.get_for_model(Village)
    response = world.client("admin").post(
        "/attachments/add/",
        {"ct": ct.pk, "oid": world.villages[0].pk, "file": jpeg(), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.fixture
def photos(world):
    """A photo on village 1 (the cadre's), one on village 2, one on the other town's village."""
    admin, other = world.users["admin"], world.users["other_admin"]
    return {
        "own": services.add_attachment(
            world.villages[0], uploaded=jpeg("a.jpg"), acting_user=admin
        ),
        "next": services.add_attachment(
            world.villages[1], uploaded=jpeg("b.jpg"), acting_user=admin
        ),
        "foreign": services.add_attachment(
            world.other_village, uploaded=jpeg("c.jpg"), acting_user=other
        ),
    }


@pytest.mark.parametrize(
    ("who", "own", "next_", "foreign"),
    [
        ("admin", 200, 200, 404),
        ("leader", 200, 200, 404),
        ("village", 200, 404, 404),
        ("other_admin", 404, 404, 200),
        ("viewer", 200, 200, 200),
    ],
)
def test_download_is_scoped(world, photos, who, own, next_, foreign):
    client = world.client(who)
    for key, expected in (("own", own), ("next", next_), ("foreign", foreign)):
        response = client.get(f"/attachments/{photos[key].pk}/")
        assert response.status_code == expected, (who, key)
        if expected == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_download_of_a_deleted_parents_file_is_404(world, photos):
    services.soft_delete(world.villages[0], acting_user=world.users["admin"])
    assert world.client("admin").get(f"/attachments/{photos['own'].pk}/").status_code == 404


def test_download_needs_login(world, photos):
    response = world.client(None).get(f"/attachments/{photos['own'].pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- comments -----------------------------------------------------------------------------


def _comment(client, parent, body, **headers):
    ct = ContentType.objects.get_for_model(parent.__class__)
    return client.post("/comments/add/", {"ct": ct.pk, "oid": parent.pk, "body": body}, **headers)


def test_a_leader_may_comment(world):
    dept = Department.objects.get(name="综合专班")
    response = _comment(world.client("leader"), dept, "请本周内报进度")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.body, comment.author, comment.town) == (
        "请本周内报进度",
        world.users["leader"],
        world.town,
    )
    assert ObjectChange.objects.filter(object_id=comment.pk, action="create").exists()


def test_comment_village_comes_from_the_parent(world):
    _comment(world.client("leader"), world.villages[0], "本村已整改")
    assert Comment.objects.get().village == world.villages[0]


def test_empty_comment_gets_a_message(world):
    response = _comment(world.client("leader"), world.villages[0], "   ")
    assert response.status_code == 302
    follow = world.client("leader")
    response = _comment(follow, world.villages[0], "")
    messages = [str(m) for m in follow.get(response["Location"]).context["messages"]]
    assert "评论内容不能为空。" in messages
    assert not Comment.objects.exists()


def test_htmx_comment_returns_the_partial(world):
    response = _comment(
        world.client("leader"), world.villages[0], "进展顺利", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="comments"' in html and "进展顺利" in html and "<html" not in html


def test_htmx_empty_comment_returns_the_partial_with_the_error(world):
    response = _comment(world.client("leader"), world.villages[0], "", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "评论内容不能为空" in response.content.decode()


def test_cannot_comment_on_another_towns_record(world):
    assert _comment(world.client("admin"), world.other_village, "x").status_code == 404
    assert not Comment.objects.exists()


def test_other_villages_comments_are_hidden_from_a_cadre(world):
    services.add_comment(world.villages[1], body="邻村的事", acting_user=world.users["admin"])
    body = world.client("village").get(f"/villages/{world.villages[1].pk}/").content.decode()
    assert "邻村的事" not in body
    assert (
        "邻村的事"
        in world.client("leader").get(f"/villages/{world.villages[1].pk}/").content.decode()
    )
