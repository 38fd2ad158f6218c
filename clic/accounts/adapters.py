import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people arrive by a PD's or PA's invitation.

    allauth's own emails (password reset, verification) go through the SOP outbox
    like every other email, so they are recorded and retried.
    """

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        from clic.mail.services import email_queue_rendered

        message = self.render_mail(template_prefix, email, context)
        # Emails without a key (password changed, unknown account) are each a new event.
        event = context.get("key") or uuid.uuid4().hex
        email_queue_rendered(code="ACCOUNT", message=message,
                             event_key=f"account:{template_prefix}:{event}")


class InvitationOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft (NHSmail) sign-in only connects to an account that already exists."""

    def is_open_for_signup(self, request, sociallogin):
        return False
