"""schemathesis on every API operation with every check, as a patient and as a clinician.

What must hold: no server error, every response matches its documented schema, and every
status code is documented. Bounded for the suite (SCHEMATHESIS_EXAMPLES, default 2 per
operation and actor, fixed seed); `bench/schemathesis_full.py` runs it at 100 and more.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
import django  # noqa: E402

django.setup()

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from spasmtrack.wsgi import application  # noqa: E402

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "2"))
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx",
    "401",
    "403",
    "404",
    "409",
    "422",
]
# Every check schemathesis has. One judges semantics a schema cannot state and is told what
# this API answers: a schema-valid body may still name an unknown region or treatment, or a
# day already logged (a documented 422 naming the field).
ALL_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
]


def _positive(case: Any) -> bool:
    """A case meant to be valid (a negative one must keep its broken path parameter)."""
    meta = getattr(case, "meta", None)
    return meta is None or bool(meta.generation.mode.is_positive)


@pytest.fixture
def actors(django_user_model: Any) -> dict[str, tuple[str, str]]:
    """Tokens of a patient and of a clinician the patient granted record access to."""
    from spasmtrack.accounts.models import ApiToken, Person
    from spasmtrack.clinic import services

    patient = Person.objects.create(user=django_user_model.objects.create_user("pat"))
    doc = Person.objects.create(
        user=django_user_model.objects.create_user("doc"), role=Person.Role.CLINICIAN
    )
    services.give_grant(patient, doc, "record", None)
    return {
        "patient": (ApiToken.issue(patient, "fuzz")[1], str(patient.code)),
        "clinician": (ApiToken.issue(doc, "fuzz")[1], str(patient.code)),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_is_clean_under_every_check(case: Any, actors: dict[str, tuple[str, str]]) -> None:
    for token, patient in actors.values():
        if case.path_parameters and "patient" in case.path_parameters and _positive(case):
            case.path_parameters["patient"] = patient  # reach the handlers, not only the 404
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=ALL_CHECKS)
