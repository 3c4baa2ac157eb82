"""Public signup pages on BASE_DOMAIN: register, OTP, plan, checkout wait, return page; one-time sign-in."""

from flask import abort, g, jsonify, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _
from flask_login import login_user

from app.audit.services import record_login
from app.billing.payment_jobs import create_checkout
from app.core.formatting import jakarta_today
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.jobs.queue import enqueue
from app.jobs.tasks import send_email
from app.signup import activation, limits, services
from app.signup.services import PASSWORD_RULES, RegistrationForm
from app.tenancy.context import all_tenants
from app.tenancy.request import tenant_url

SESSION_KEY = "signup_token"


def _send_code(registration, code: str) -> None:
    text = _("Your SiLogistik verification code is %(code)s. It is valid for 10 minutes.", code=code)
    enqueue(
        send_email, tenant_id=None, user_id=None, to=registration.email, subject=_("Your verification code"), text=text
    )  # sent once the caller's transaction has the registration and its code


class SignupView(BaseView):
    """No login: these pages create the account. Everything runs for all tenants explicitly."""

    route_base = "/daftar"
    default_view = "register"

    def _page(self, template: str, **context):
        return self.render_template(template, **context)

    def _registration(self):
        registration = services.by_token(session.get(SESSION_KEY))
        if registration is None:
            abort(redirect(url_for("SignupView.register")))
        return registration

    def _public_host_only(self) -> None:
        if g.host_tenant is not None:
            abort(404)

    @expose("/", methods=["GET", "POST"])
    def register(self):
        self._public_host_only()
        form, error = RegistrationForm(), None
        if request.method == "POST":
            form = RegistrationForm.from_form(request.form)
            ip_key = (limits.REGISTRATIONS_PER_IP, f"register-ip:{request.remote_addr}")
            if limits.exhausted(ip_key):
                return self._page(
                    "signup/register.html",
                    form=form,
                    rules=PASSWORD_RULES,
                    error=FieldError("form", _("Too many attempts. Try again later.")),
                ), 429
            with all_tenants():
                try:
                    with transaction():
                        registration, code = services.start_registration(form, ip=request.remote_addr)
                        _send_code(registration, code)
                except FieldError as exc:
                    error = exc
                else:
                    limits.hit(ip_key)
                    session[SESSION_KEY] = registration.token
                    return redirect(url_for("SignupView.otp"))
        status = 400 if error else 200
        return self._page("signup/register.html", form=form, rules=PASSWORD_RULES, error=error), status

    @expose("/suggest")
    def suggest(self):
        self._public_host_only()
        with all_tenants():
            return jsonify(slug=services.suggest_slug(request.args.get("company", "")[:150]))

    @expose("/otp", methods=["GET", "POST"])
    def otp(self):
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            if registration.verified_at is not None:
                return redirect(url_for("SignupView.plan"))
            error, status = None, 200
            if request.method == "POST":
                error, status = self._verify(registration)
                if error is None:
                    return redirect(url_for("SignupView.plan"))
            return self._page("signup/otp.html", registration=registration, error=error), status

    def _verify(self, registration):
        checks = (
            (limits.OTP_FAILURES_PER_ACCOUNT, f"otp-account:{registration.email}"),
            (limits.OTP_FAILURES_PER_IP, f"otp-ip:{request.remote_addr}"),
        )
        if limits.exhausted(*checks):
            return FieldError("code", _("Too many wrong codes. Try again later.")), 429
        with transaction():  # a wrong try counts: committed with the refusal
            try:
                services.verify_otp(registration, request.form.get("code", ""))
            except FieldError as exc:
                limits.hit(*checks)
                return exc, 400
        return None, 200

    @expose("/otp/resend", methods=["POST"])
    def resend(self):
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            try:
                with transaction():
                    _send_code(registration, services.resend_otp(registration))
            except FieldError as exc:
                return self._page("signup/otp.html", registration=registration, error=exc), 429
            return self._page("signup/otp.html", registration=registration, sent=True)

    @expose("/plan", methods=["GET", "POST"])
    def plan(self):
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            if registration.verified_at is None:
                return redirect(url_for("SignupView.otp"))
            if registration.tenant_id is not None:
                return redirect(url_for("SignupView.finish"))
            error = None
            if request.method == "POST":
                try:
                    with transaction():
                        choice = activation.choose_plan(registration, request.form.get("plan", ""), jakarta_today())
                        self._after_choice(registration, choice)
                except FieldError as exc:
                    error = exc
                else:
                    return redirect(url_for("SignupView.finish"))
            plans = activation.offered_plans()
            return self._page("signup/plan.html", plans=plans, error=error), 400 if error else 200

    def _after_choice(self, registration, choice) -> None:
        if choice.order is not None:
            run = enqueue(create_checkout, tenant_id=None, user_id=None, order_pk=choice.order.id)
            registration.checkout_job_id = run.id

    @expose("/pay", methods=["POST"])
    def pay_again(self):
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            try:
                with transaction():
                    order = activation.retry_order(registration)
                    enqueue(create_checkout, tenant_id=None, user_id=None, order_pk=order.id)
            except FieldError:
                pass  # nothing left to pay: the finish page says where the signup stands
            return redirect(url_for("SignupView.finish"))

    @expose("/finish")
    def finish(self):
        """Checkout wait and return page in one: it polls `status` and follows where it says."""
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            if registration.tenant_id is None:
                return redirect(url_for("SignupView.plan"))
            return self._page("signup/finish.html", registration=registration)

    @expose("/status")
    def status(self):
        self._public_host_only()
        with all_tenants():
            registration = services.by_token(session.get(SESSION_KEY))
            if registration is None or registration.tenant_id is None:
                return jsonify(state="unknown"), 404
            return jsonify(self._state(registration))

    def _state(self, registration) -> dict:
        if activation.is_active(registration):
            return {"state": "active", "next": url_for("SignupView.enter")}
        order = activation.latest_order(registration)
        if order is None or order.status in ("failed", "expired"):
            return {"state": "failed", "message": _("The payment did not go through. You can try again.")}
        if order.redirect_url:
            return {"state": "checkout", "next": order.redirect_url, "order_id": order.order_id}
        return {"state": "preparing"}

    @expose("/masuk", methods=["POST"])
    def enter(self):
        """Sent by the finish page once the company is active: a one-time sign-in link on its own address.
        Issuing the token is a write, so a POST (the status poll only reads)."""
        self._public_host_only()
        with all_tenants():
            registration = self._registration()
            if not activation.is_active(registration):
                return redirect(url_for("SignupView.finish"))
            with transaction():
                token = activation.issue_login_token(registration)
            return redirect(tenant_url(registration.slug, url_for("SignupView.sign_in", token=token)))

    @expose("/masuk/<token>", methods=["GET", "POST"])
    def sign_in(self, token):
        """The one-time sign-in on the company's own address, right after activation. The link shows a
        button that the page presses by itself: redeeming the token (a write) takes the POST."""
        if g.host_tenant is None:
            abort(404)
        if request.method == "GET":
            return self._page("signup/sign_in.html")
        with all_tenants(), transaction() as db_session:
            user = activation.redeem_login_token(token, g.host_tenant)
            if user is not None:
                record_login(db_session, user)
        if user is None:
            return redirect(self.appbuilder.get_url_for_login)
        login_user(user)
        session.pop(SESSION_KEY, None)
        return redirect("/")
