from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "alliance.clients"
    label = "clients"

    def ready(self) -> None:
        # Framework hook: accepting a client's portal invitation links the new
        # account to the client record, inside the acceptance's transaction
        # (accounts.signals), so accounts never imports clients.
        from alliance.accounts.signals import invitation_accepted
        from alliance.clients.services import on_invitation_accepted

        invitation_accepted.connect(
            on_invitation_accepted, dispatch_uid="clients.link_portal_user"
        )
