"""Signals later apps listen to, so accounts never imports them.

``invitation_accepted(invitation, user, request)`` is sent inside the
transaction of ``services.accept_invitation`` once the account exists: a
receiver that raises ``ValidationError`` rolls the whole acceptance back, and
the invitation page shows its message. The clients app connects the receiver
that links a client's new portal account to their record (``ClientsConfig.ready``).
"""

from django.dispatch import Signal

invitation_accepted = Signal()
