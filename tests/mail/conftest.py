import pytest


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    # Two-factor set-up is the accounts app's concern; these tests sign PDs straight in.
    settings.CLIC_MFA_ENFORCED = False
    settings.SITE_URL = "https://clic.test"


@pytest.fixture
def published(monkeypatch):
    """The ids of the emails whose send tasks were published, instead of publishing them."""
    from clic.mail.tasks import outbox_send, outbox_send_batch

    ids = []
    monkeypatch.setattr(outbox_send, "apply_async", lambda args, **kwargs: ids.append(args[0]))
    monkeypatch.setattr(outbox_send_batch, "apply_async",
                        lambda args, **kwargs: ids.extend(args[0]))
    return ids
