"""Signing in with a username and password: Django's model backend, which reads the signed-in
user of every request together with his active memberships.

Every page under ``/f/<slug>/`` needs the user and his membership in that federation (the
federation middleware and the switcher in the layout). Read apart they are two queries on every
request; here one query reads the memberships with their user joined in, and only a user
without any active membership is read on his own. The memberships live on that request's user
object and nowhere else: a role withdrawn, or a membership ended, counts from the next request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        from stegvis.core.access import read_memberships

        try:
            memberships = read_memberships(user_id=int(user_id), with_user=True)
        except (TypeError, ValueError):
            return None
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
        user._active_memberships = memberships
        return user if self.user_can_authenticate(user) else None
