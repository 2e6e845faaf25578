from django.apps import AppConfig


class DangjianConfig(AppConfig):
    """The project package as an app: the composition root. It alone may import every app; it
    holds the commands that span them (``dangjian demo``, ``dangjian bench``), the home page, the
    API's assembly and the test world."""

    name = "dangjian"
    label = "dangjian"
