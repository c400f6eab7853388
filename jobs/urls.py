from django.urls import path, register_converter

from . import converters, views

register_converter(converters.ProjectIdConverter, "project_id")
register_converter(converters.JobIdConverter, "job_id")
register_converter(converters.AnyJobIdConverter, "any_job_id")

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
    path("projects/<project_id:project_id>/auto-stop/", views.auto_stop, name="auto-stop"),
    path("projects/<project_id:project_id>/visualization-jobs/new/", views.job_new, name="job-new"),
    path("projects/<project_id:project_id>/visualization-jobs/stop/", views.project_stop, name="project-stop"),
    path(
        "projects/<project_id:project_id>/visualization-jobs/<any_job_id:job_id>/",
        views.job_detail,
        name="job-detail",
    ),
    *(
        path(
            f"projects/<project_id:project_id>/visualization-jobs/<any_job_id:job_id>/{name}/", view, name=f"job-{name}"
        )
        for name, view in (
            ("stop", views.job_stop),
            ("restart", views.job_restart),
            ("edit", views.job_edit),
            ("delete", views.job_delete),
        )
    ),
]
