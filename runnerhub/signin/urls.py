from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("code/", views.code_step, name="code"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
