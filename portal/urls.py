from django.urls import path, re_path

from portal import feeds, views

app_name = "portal"
SLUG_PATH = r"(?P<slug_path>[a-z0-9-]+(?:/[a-z0-9-]+)*)"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_page, name="search"),
    path("rank/", views.rank, name="rank"),
    path("rss/", feeds.LatestFeed(), name="feed"),
    re_path(rf"^rss/{SLUG_PATH}/$", feeds.ChannelFeed(), name="channel_feed"),
    path("a/<int:pk>/", views.article, name="article"),
    path("a/<int:pk>-<slug:slug>/", views.article, name="article_slug"),
    path("a/<int:pk>/comments/", views.comments, name="comments"),
    path("a/<int:pk>/share/", views.share, name="share"),
    path("a/<int:pk>/qr.svg", views.qr, name="qr"),
    path("media/<int:pk>/", views.image, name="image"),
    path("media/<int:pk>/thumb/", views.thumb, name="thumb"),
    path("editor/", views.EditorListView.as_view(), name="editor"),
    path("editor/new/", views.ArticleCreateView.as_view(), name="create"),
    path("editor/comments/", views.comment_queue, name="comment_queue"),
    path("editor/comments/<int:pk>/approve/", views.CommentDecideView.as_view(), {"decision": "approve"},
         name="comment_approve"),
    path("editor/comments/<int:pk>/reject/", views.CommentDecideView.as_view(), {"decision": "reject"},
         name="comment_reject"),
    path("editor/<int:pk>/", views.ArticleEditView.as_view(), name="edit"),
    path("editor/<int:pk>/preview/", views.PreviewView.as_view(), name="preview"),
    path("editor/<int:pk>/images/", views.ImageUploadView.as_view(), name="image_upload"),
    path("editor/<int:pk>/submit/", views.ArticleActionView.as_view(), {"name": "submit"}, name="submit"),
    path("editor/<int:pk>/publish/", views.ArticleActionView.as_view(), {"name": "publish"}, name="publish"),
    path("editor/<int:pk>/return/", views.ArticleActionView.as_view(), {"name": "return"}, name="return"),
    path("editor/<int:pk>/unpublish/", views.ArticleActionView.as_view(), {"name": "unpublish"}, name="unpublish"),
    re_path(rf"^{SLUG_PATH}/$", views.channel, name="channel"),
]
