from django.urls import path, register_converter

from . import converters, tokens, views

register_converter(converters.ProjectIdConverter, "project_id")
register_converter(converters.JobIdConverter, "job_id")

urlpatterns = [
    path("", views.home, name="home"),
    path("lookup/", views.lookup, name="lookup"),
    path("refresh/", views.refresh_all, name="refresh-all"),
    path("projects/<project_id:project_id>/visualization-jobs/", views.project_jobs, name="project-jobs"),
    path(
        "projects/<project_id:project_id>/visualization-jobs/refresh/",
        views.project_refresh,
        name="project-refresh",
    ),
    path(
        "projects/<project_id:project_id>/visualization-jobs/<job_id:job_id>/",
        views.job_detail,
        name="job-detail",
    ),
    path("credentials/", views.credential_list, name="credential-list"),
    path("credentials/add/", views.credential_add, name="credential-add"),
    path("credentials/<int:pk>/edit/", views.credential_edit, name="credential-edit"),
    path("credentials/<int:pk>/delete/", views.credential_delete, name="credential-delete"),
    path("credentials/<int:pk>/test/", views.credential_test, name="credential-test"),
    path("settings/api-tokens/", tokens.token_list, name="api-tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
]
