from django.urls import path

from . import tokens, views

urlpatterns = [
    path("credentials/", views.credential_list, name="credential-list"),
    path("credentials/add/", views.credential_add, name="credential-add"),
    path("credentials/<int:pk>/edit/", views.credential_edit, name="credential-edit"),
    path("credentials/<int:pk>/delete/", views.credential_delete, name="credential-delete"),
    path("credentials/<int:pk>/test/", views.credential_test, name="credential-test"),
    path("settings/api-tokens/", tokens.token_list, name="api-tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
]
