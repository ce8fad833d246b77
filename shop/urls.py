from django.urls import path

from runnerhub.pagecache import public_page

from . import views

app_name = "shop"

urlpatterns = [
    path("shop/<slug:slug>/", public_page(views.category_page), name="category"),
    path("go/shop/<slug:slug>/", views.go_category, name="go_category"),
    path("go/<slug:slug>/", views.go_product, name="go"),
]
