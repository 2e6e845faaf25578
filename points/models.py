"""Points (积分): what a member earned on a day for an activity (``PointDay``, one indexed row per
member, day and activity, written by the services of the modules where the activity happens), and
two summaries kept in the same transaction: per org, member and year (the branch ranking) and per
org and year (the totals up the tree)."""

from django.db import models

from points.rules import CHOICES


class PointDay(models.Model):
    """A member's ``count`` units of one activity on one day and the points they earn under the
    day's cap (points.rules.points_for). ``org``: the member's org when the points were earned."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    activity = models.CharField(max_length=16, choices=CHOICES)
    count = models.PositiveIntegerField(default=0)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day", "activity"], name="points_day_once")]
        indexes = [models.Index(fields=["org", "day"]), models.Index(fields=["member", "day"])]

    def __str__(self):
        return f"{self.member_id}/{self.day}/{self.activity}: {self.points}"


class PointMemberYear(models.Model):
    """Summary table (``points.member_year``): a member's points of a year earned in an org."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "member", "year"], name="points_member_year_once")]
        indexes = [models.Index(fields=["org", "year", "points"])]

    def __str__(self):
        return f"{self.org_id}/{self.member_id}/{self.year}: {self.points}"


class PointOrgYear(models.Model):
    """Summary table (``points.org_year``): the points of a year earned by an org's members."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    points = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="points_org_year_once")]

    def __str__(self):
        return f"{self.org_id}/{self.year}: {self.points}"
