from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_POST

from clic.mail.notices import done_before
from clic.paging import page_of
from clic.todo import TODO_ROLES, todo_items

from . import exporters, services
from .access import access_for
from .forms import InviteForm, MembershipForm, OrganisationForm, ProfileForm, SetPasswordForm
from .models import Organisation, Role, User
from .pages import home_context, person_context
from .rules import can_manage_people
from .selectors import (
    membership_removal,
    organisations_visible_to,
    people_visible_to,
)


def home(request):
    """One page per person: a panel for each role they hold, with what they have to do. The
    apps fill the panels (pages.home_parts)."""
    roles = access_for(request.user).roles
    today = timezone.localdate()
    context = home_context(request.user, roles, today)
    placements = context.pop("role_placements")
    return render(request, "accounts/home.html", {
        **context,
        "panels": [{"role": role, "label": role.label, "placements": placements.get(role, [])}
                   for role in Role if role in roles],
        "todo": todo_items(request.user, today) if roles & TODO_ROLES else None,
    })


@login_not_required
def invitation_accept(request, uidb64, token):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set. Welcome to the CLIC service.")
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user})


def _require_manager(request):
    if not can_manage_people(request.user):
        raise Http404


def people(request):
    _require_manager(request)
    # PostgreSQL text cannot hold NUL: a search for one finds nobody, not a 500.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    people = people_visible_to(request.user)
    if query:
        people = people.filter(full_name__icontains=query) | people.filter(email__icontains=query)
    # 50 a page: a national programme's PD sees thousands of people over the years.
    page = page_of(people.order_by("full_name", "pk"), request)
    return render(request, "accounts/people.html", {"page": page, "people": page.object_list,
                                                    "query": query})


def person_invite(request):
    _require_manager(request)
    form = InviteForm(request.POST or None, organisations=organisations_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.user_invite(email=data["email"], full_name=data["full_name"],
                                      job_title=data["job_title"],
                                      roles=[(data["role"], data["organisation"])],
                                      invited_by=request.user)
        messages.success(request, f"{person} has been given the role. New people are emailed "
                                  "an invitation to set a password.")
        return redirect("person_detail", person.pk)
    return render(request, "accounts/person_invite.html", {"form": form})


def person_detail(request, pk):
    _require_manager(request)
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    organisations = organisations_visible_to(request.user)
    form = MembershipForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.membership_add(user=person, role=form.cleaned_data["role"],
                                organisation=form.cleaned_data["organisation"])
        messages.success(request, "Role added.")
        return redirect("person_detail", person.pk)
    return render(request, "accounts/person_detail.html", {
        **person_context(request.user, person),
        "person": person, "form": form,
        "memberships": person.memberships.select_related("organisation"),
        "invitations": person.invitations.all(),
    })


def membership_remove(request, pk, membership_pk):
    """Taking a role away has its own page, away from the form that adds one; only its POST
    removes. Removing it again changes nothing and says when it was removed and by whom."""
    _require_manager(request)
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    membership = person.memberships.filter(
        organisation__in=organisations_visible_to(request.user)).select_related(
        "organisation").filter(pk=membership_pk).first()
    if membership is None:
        removal = membership_removal(request.user, membership_pk)
        if removal is None:
            raise Http404
        messages.info(request, done_before("That role was already removed",
                                           when=removal.created_at, by=removal.actor,
                                           then="nothing was changed"))
        return redirect("person_detail", person.pk)
    if request.method == "POST":
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, f"{membership.get_role_display()}, {membership.organisation} "
                                  f"removed from {person}. Nobody was emailed.")
        return redirect("person_detail", person.pk)
    return render(request, "accounts/membership_remove.html", {
        "person": person, "membership": membership,
        "others": person.memberships.exclude(pk=membership.pk).select_related("organisation")})


@require_POST
def person_reinvite(request, pk):
    _require_manager(request)
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    services.invitation_send(user=person, invited_by=request.user)
    messages.success(request, f"A new invitation has been emailed to {person.email}.")
    return redirect("person_detail", person.pk)


def organisations(request):
    _require_manager(request)
    return render(request, "accounts/organisations.html",
                  {"organisations": organisations_visible_to(request.user)})


def organisation_edit(request, pk=None):
    _require_manager(request)
    instance = (get_object_or_404(organisations_visible_to(request.user), pk=pk)
                if pk else Organisation())
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.organisation_save(organisation=form.instance)
        messages.success(request, f"{form.instance} saved.")
        return redirect("organisations")
    return render(request, "accounts/organisation_edit.html", {"form": form, "instance": instance})


def profile(request):
    form = ProfileForm(request.POST or None, initial={
        "full_name": request.user.full_name, "job_title": request.user.job_title,
        "phone": request.user.phone})
    if request.method == "POST" and form.is_valid():
        services.user_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def calendar_token_reset(request):
    services.calendar_token_reset(user=request.user)
    messages.success(request, "Your calendar address has changed. The old address no longer "
                              "works: subscribe again with the new one.")
    return redirect("profile")


def data_export(request):
    """Subject access: what the download of everything held about the person contains."""
    return render(request, "accounts/data_export.html",
                  {"retention_years": settings.CLIC_RETENTION_YEARS})


def data_export_download(request):
    """Everything held about the person asking, built in the request: one person's data and
    PDFs take about a second, so no background job is needed."""
    response = HttpResponse(exporters.subject_access_zip(request.user),
                            content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="clic-your-data-{timezone.localdate():%Y-%m-%d}.zip"')
    response["Cache-Control"] = "private, no-store"
    return response
