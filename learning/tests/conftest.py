import pytest

from learning import services
from learning.models import ItemKind


@pytest.fixture
def course(world):
    return services.course_create(actor=world.users["city_admin"], org=world.city, title="学习党的二十大精神",
                                  required_for="all", year=2026)


@pytest.fixture
def article(world, course):
    return services.item_add(actor=world.users["city_admin"], course=course, kind=ItemKind.ARTICLE,
                             title="第一讲", seconds=600, body="正文")


@pytest.fixture
def video(world, course, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000
    return services.item_add(actor=world.users["city_admin"], course=course, kind=ItemKind.VIDEO,
                             title="视频第一讲", seconds=300, upload=SimpleUploadedFile("a.mp4", data))
