import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms

from clic.mail.services import email_queue_rendered

from .validators import person_errors


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people arrive by a PD's or PA's invitation.

    allauth's own emails (password reset, verification) go through the SOP outbox
    like every other email, so they are recorded and retried.
    """

    def is_open_for_signup(self, request):
        return False

    def clean_email(self, email):
        """An address no mailbox can have (over 254 characters, RFC 5321) is refused on the
        form: a password reset for one would queue an "unknown account" email that the
        outbox's address column cannot hold."""
        errors = person_errors(email=email)
        if errors:
            raise forms.ValidationError(errors["email"])
        return super().clean_email(email)

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        # Emails without a key (password changed, unknown account) are each a new event.
        event = context.get("key") or uuid.uuid4().hex
        email_queue_rendered(code="ACCOUNT", message=message,
                             event_key=f"account:{template_prefix}:{event}")


class InvitationOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft (NHSmail) sign-in only connects to an account that already exists."""

    def is_open_for_signup(self, request, sociallogin):
        return False
