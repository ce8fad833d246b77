"""The local demo: content for every app, its pictures and `manage.py load_demo`.

Installed only with DEBUG on (see INSTALLED_APPS in runnerhub/settings.py), so production
never imports it. No app imports the demo; the demo builds on the apps.
"""
