"""`dangjian demo --scale city`: the city's question bank and this month's exam as exams.demo makes
them, taken by a sample of the members (2 %: about 20,000 answer sheets of ten questions each)
with some daily practice; inserted in bulk, the results summary rebuilt with the others."""

import random

from exams import demo


def load(rng: random.Random, *, share: float = 0.02) -> int:
    return demo.load(rng, share=share)
