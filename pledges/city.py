"""`dangjian demo --scale city`: pledges of a 5 % sample of the members and posts in a twentieth
of the branches, as pledges.demo makes them (the demo accounts' among them)."""

import random

from pledges import demo


def load(rng: random.Random) -> int:
    return demo.load(rng, share=0.05, post_share=0.05)
