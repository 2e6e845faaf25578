"""Headless Chromium at 375 px: a member plays an item's audio, class time accrues while it plays
and stops while the tab is hidden; the secretary then sees the member's progress.

The media is a WAV generated here (no download; the machine has no encoder for video): what the
page and the server do is the same for a video. The beat interval and the class hour are shortened
(monkeypatched) so that a few seconds of play show."""

import io
import math
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.browser_testing import ARTIFACTS, BROWSER_MARKS, VIEWPORTS, login, shot
from learning import services
from learning.models import StudyDay

pytestmark = BROWSER_MARKS


def tone(seconds: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(i / 8))) for i in range(8000 * seconds)))
    return out.getvalue()


def credited(world):
    return sum(StudyDay.objects.filter(member=world.members["a1_member"]).values_list("seconds", flat=True))


def test_a_member_plays_an_item_on_a_phone_and_the_secretary_sees_it(live_server, browser_world, browser,
                                                                       monkeypatch):
    monkeypatch.setattr("learning.rules.BEAT_INTERVAL", 2)
    monkeypatch.setattr("learning.rules.BEAT_MIN_GAP", 1)
    monkeypatch.setattr("learning.rules.SECONDS_PER_HOUR", 4)
    world = browser_world
    course = services.course_create(actor=world.users["city_admin"], org=world.city, title="党课音频", required_for="all",
                                     year=2026)
    item = services.item_add(actor=world.users["city_admin"], course=course, kind="audio", title="第一讲",
                             seconds=60, upload=SimpleUploadedFile("t.wav", tone(60)))
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    login(page, base, "member")
    page.goto(f"{base}/learning/items/{item.pk}/")
    page.wait_for_selector("#study[data-ready='1']")
    page.evaluate("document.querySelector('audio').muted = true; document.querySelector('audio').play()")
    for _ in range(40):  # (wait_for_function evaluates a string, which the CSP forbids)
        if credited(world) >= 4:
            break
        page.wait_for_timeout(500)
    shot(page, "learning-item-phone", folder=ARTIFACTS)
    assert credited(world) >= 4

    # The tab is hidden (as the browser reports it): nothing more counts, though the audio plays on.
    page.evaluate("""Object.defineProperty(document, 'visibilityState', {get: () => 'hidden', configurable: true});
                     document.dispatchEvent(new Event('visibilitychange'))""")
    page.wait_for_timeout(1500)
    before = credited(world)
    page.wait_for_timeout(5000)
    assert credited(world) == before
    assert page.evaluate("!document.querySelector('audio').paused")
    context.close()

    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    login(page, base, "secretary")
    page.goto(f"{base}/learning/orgs/{world.branch_a1.pk}/progress/")
    row = page.locator("#progress tr", has_text="张秀英")
    online = float(row.locator("td[data-label='在线']").inner_text())
    assert online >= 1
    shot(page, "learning-progress-phone", folder=ARTIFACTS)
    context.close()
