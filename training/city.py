"""`dangjian demo --scale city`: this year's group studies of every branch as training.demo makes
them, held in about a third of the months (60,000 orgs: about 162,000 a year, the article's 16.2万),
with attendance rows for a tenth of them (the rest would be some 2 million rows for the build);
the districts' rotation classes and the city's class for a sample of the new members."""

import random

from training import demo


def load(rng: random.Random) -> dict:
    return demo.load(rng, share=0.3, attend_share=0.1, new_member_share=0.2)
