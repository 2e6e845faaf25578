"""An image captcha with no SMS and no outside service, for public forms (ordered services).

``issue()`` makes a challenge: four digits, kept in the shared cache for ``TTL`` seconds under a
random key; ``png(key)`` draws them (large, little noise: elderly residents must read them);
``check(key, answer)`` consumes the challenge whatever the answer, so each image is tried once."""

import io
import random
import secrets

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

TTL = 600
_PREFIX = "captcha:"
_rng = random.SystemRandom()


def issue() -> tuple[str, str]:
    """A new challenge: (key, answer)."""
    key, answer = secrets.token_urlsafe(16), "".join(_rng.choice("0123456789") for _ in range(4))
    cache.set(_PREFIX + key, answer, timeout=TTL)
    return key, answer


def png(key: str) -> bytes | None:
    answer = cache.get(_PREFIX + key) if key else None
    if answer is None:
        return None
    image = Image.new("RGB", (160, 56), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line([(_rng.randint(0, 160), _rng.randint(0, 56)), (_rng.randint(0, 160), _rng.randint(0, 56))],
                  fill=(190, 190, 190), width=1)
    font = ImageFont.load_default(size=38)
    for i, digit in enumerate(answer):
        draw.text((12 + i * 36, _rng.randint(2, 10)), digit, fill=(150, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def check(key: str, answer: str) -> bool:
    """True once for the right answer; the challenge is gone afterwards either way."""
    if not key:
        return False
    expected = cache.get(_PREFIX + key)
    if expected is None or not cache.delete(_PREFIX + key):
        return False
    return secrets.compare_digest(expected, (answer or "").strip())
