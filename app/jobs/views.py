"""Job progress for the page that started it, and its output file: only for the user who asked."""

from flask import abort, g, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.core import storage
from app.core.access import COMMON, READ
from app.core.names import JOBS
from app.core.redirects import safe_target
from app.core.rows import get_or_404
from app.core.views import AreaMixin
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import recover


class JobsView(AreaMixin, BaseView):
    route_base = "/jobs"
    class_permission_name = JOBS
    realm = COMMON
    method_permission_name = {"status": READ, "download": READ, "progress": READ}
    object_model = JobRun  # what <run_id> names, for the isolation sweep

    @staticmethod
    def _own_run(run_id: str) -> JobRun:
        return get_or_404(JobRun, run_id, where=JobRun.user_id == g.user.id)

    @expose("/<run_id>")
    @has_access
    def status(self, run_id):
        run = self._own_run(run_id)
        if run.state == "running" and recover([run.id]):  # its worker was killed: failed or restarted
            db.session.expire_all()
            run = self._own_run(run_id)
        return jsonify(
            id=run.id,
            state=run.state,
            progress=run.progress,
            message=run.message,
            download=bool(run.result_path) and run.state == "done",
        )

    @expose("/<run_id>/progress")
    @has_access
    def progress(self, run_id):
        """An export's page: its progress bar, then its download; `back` returns to the page that started it."""
        back = request.args.get("back", "")
        return self.render_template(
            "logistics/labels/progress.html",
            run=self._own_run(run_id),
            export=True,
            back=back if back.startswith("/") and safe_target(back) else self.appbuilder.get_url_for_index,
        )

    @expose("/<run_id>/download")
    @has_access
    def download(self, run_id):
        run = self._own_run(run_id)
        if run.state != "done" or not run.result_path:
            abort(404)
        return storage.send(run.result_path, download_name=run.result_name)
