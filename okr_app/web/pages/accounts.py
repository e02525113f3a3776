"""Logging in, registering and logging out, under the API's rules and audit actions."""

from flask import flash, g, redirect, render_template, request, url_for

from okr_app.api.auditing import audited
from okr_app.auth import login as login_rules
from okr_app.auth.schemas import LoginSchema, RegisterSchema
from okr_app.web import forms
from okr_app.web.routes import blp
from okr_app.web.session import clear_cookie, load_user, login_required, safe_next, set_cookie


@blp.route("/login", methods=["GET"])
def login():
    """Show the login form (or go on to the dashboard when signed in already)."""
    if load_user() is not None:
        return redirect(safe_next(request.args.get("next")), 303)
    return render_template("login.html", form=forms.Form(), next=request.args.get("next", ""))


@blp.route("/login", methods=["POST"])
@audited("auth.login", caller_acts=False)
def post_login():
    """Log in: the lockout, the uniform failure message and the audit rows of the API."""
    values = forms.posted(("email", "password"))
    data, form = forms.load(LoginSchema(), values)
    next_page = request.form.get("next", "")
    if form is not None:
        return _login_page(form, next_page, 422)
    result, error = forms.attempt(login_rules.log_in, data["email"], data["password"])
    if error:
        form = forms.refused(error, {"email": values.get("email", "")})
        retry_after = ((getattr(error, "data", None) or {}).get("headers") or {}).get("Retry-After")
        if retry_after:
            form.message = f"{form.message} Locked for {_duration(int(retry_after))} more."
        return _login_page(form, next_page, error.code, retry_after)
    session, _pair = result
    return set_cookie(redirect(safe_next(next_page), 303), session)


def _login_page(form, next_page, status, retry_after=None):
    """Return the login page showing ``form``'s message, with the refusal's status."""
    form.values.pop("password", None)
    page = render_template("login.html", form=form, next=next_page)
    return page, status, {"Retry-After": retry_after} if retry_after else {}


def _duration(seconds):
    """Return ``seconds`` in words: "4 minutes 10 seconds", "45 seconds"."""
    minutes, rest = divmod(seconds, 60)
    parts = [f"{minutes} minute{'s' * (minutes != 1)}"] if minutes else []
    if rest or not minutes:
        parts.append(f"{rest} second{'s' * (rest != 1)}")
    return " ".join(parts)


@blp.route("/register", methods=["GET"])
def register():
    """Show the registration form."""
    return render_template("register.html", form=forms.Form())


@blp.route("/register", methods=["POST"])
@audited("auth.register", caller_acts=False)
def post_register():
    """Create an account with the API's password policy, then ask to log in."""
    values = forms.posted(("email", "password", "display_name"))
    data, form = forms.load(RegisterSchema(), values)
    if form is None:
        _user, error = forms.attempt(
            login_rules.register_user, data["email"], data["password"], data.get("display_name")
        )
        if error:
            form = forms.refused(error, values)
            form.errors.setdefault("email", [form.message])
    if form is not None:
        form.values.pop("password", None)
        return render_template("register.html", form=form), 409 if data else 422
    flash("Your account is ready. Log in with your e-mail and password.")
    return redirect(url_for("web.login"), 303)


@blp.route("/logout", methods=["POST"])
@audited("auth.logout")
@login_required
def logout():
    """End this browser's session, as the API's logout ends a token's."""
    login_rules.log_out(g.okr_session.id)
    flash("You are logged out.")
    return clear_cookie(redirect(url_for("web.login"), 303))
