"""The demo's web users and published rosters (`roster users demo`, run by `make demo`).

Demo accounts share one documented password and exist only for the demo warehouse: never create
them on a shared server. Re-running adds nothing that is already there.
"""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living.versions import approve, publish, versions
from roster_pipeline.web.accounts import User, add_user, find_user

DEMO_PASSWORD = "demo-roster-2026"  # documented in the README; demo warehouses only


def demo_users(department: str) -> list[User]:
    """An administrator, a manager of the department and two of its registrars (the sample's
    R001 and R002)."""
    return [
        User("ada", "admin"),
        User("morgan", "manager", None, department),
        User("alex", "registrar", "R001", department),
        User("charlotte", "registrar", "R002", department),
    ]


def create_demo_users(wh: Warehouse, department: str, now: dt.datetime) -> list[User]:
    """The demo users that were missing (now added)."""
    made = []
    for user in demo_users(department):
        if find_user(wh, user.username) is None:
            made.append(add_user(wh, user, DEMO_PASSWORD, "demo", now))
    return made


def publish_drafts(
    wh: Warehouse, key: str, dept: Department, pack: RulePack, actor: str, at: dt.datetime
) -> list[str]:
    """Approve and publish the department's first versions of each week still in draft (the
    pipeline's weekly rosters), as a manager would; returns the versions published."""
    done = []
    for version in versions(wh, key):
        if version.state != "draft" or version.parent_id is not None:
            continue
        approve(wh, version.version_id, actor, at)
        if publish(wh, version.version_id, actor, at, dept, pack).published:
            done.append(version.version_id)
    return done
