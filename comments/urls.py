from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("reply/<id:pk>/", views.reply_page, name="reply"),
    path("restore/<str:key>/", views.restore, name="restore"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
