from django.urls import path

from runnerhub.pagecache import public_page

from . import views, webhooks

app_name = "newsletter"

urlpatterns = [
    path("", public_page(views.signup, params=("from",)), name="signup"),
    path("restore/<str:key>/", views.restore, name="restore"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhooks/<slug:provider>/", webhooks.tracking, name="webhook"),
]
