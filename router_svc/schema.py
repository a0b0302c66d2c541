"""JobPosting: the single source of truth for the extracted fields.

The pydantic model validates every result (local or cloud) and produces the JSON schema
that constrains generation. Field order is generation order: the short, important fields
come before the long lists. A test keeps this model and the proto message in step.
"""

from __future__ import annotations

import copy
import json
import typing
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from jobextract.v1 import extraction_pb2 as pb

Period = Literal["hour", "day", "week", "month", "year"]
# Bounds keep a small model from copying whole passages (measured: answers of 500-900 tokens
# with 200-character items; a runaway list is cut at the token limit and fails).
Skill = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]
PERIODS = {"hour": pb.SALARY_PERIOD_HOUR, "day": pb.SALARY_PERIOD_DAY,
           "week": pb.SALARY_PERIOD_WEEK, "month": pb.SALARY_PERIOD_MONTH,
           "year": pb.SALARY_PERIOD_YEAR}


class JobPosting(BaseModel):
    """A job posting as extracted; absent facts are null, never invented."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(max_length=120,
                              description="The job's name as the posting gives it, e.g. 'Senior Data Engineer'; null only if it names none.")
    company: str | None = Field(max_length=200,
                                description="The hiring organisation's name, or null if not named.")
    location: str | None = Field(max_length=200,
                                 description="Where the job is, e.g. 'Berlin, Germany' or 'Remote'; null if not stated.")
    salary_min: float | None = Field(ge=0, allow_inf_nan=False, description="Lowest pay stated, as a plain number; null if none.")
    salary_max: float | None = Field(ge=0, allow_inf_nan=False, description="Highest pay stated (the same as salary_min for one figure); null if none.")
    salary_currency: str | None = Field(max_length=3, description="ISO 4217 code such as USD, EUR, GBP; null if no salary.")
    salary_period: Period | None = Field(description="What the salary figures are per; null if no salary.")
    skills: list[Skill] = Field(max_length=20, description="Skills and technologies asked for, a few words each.")
    requirements: list[Item] = Field(max_length=12, description="Requirements, one short item each.")
    benefits: list[Item] = Field(max_length=12, description="Benefits offered, one short item each.")
    description: str = Field(max_length=600, description="One to three sentences summarising the role.")

    @field_validator("title", "company", "location", "salary_currency", mode="after")
    @classmethod
    def _empty_is_null(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("salary_currency", mode="after")
    @classmethod
    def _currency_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"salary_currency must be a 3-letter ISO 4217 code, not {value!r}")
        return code

    @field_validator("skills", "requirements", "benefits", mode="after")
    @classmethod
    def _dedupe(cls, items: list[str]) -> list[str]:
        seen: set[str] = set()
        out = []
        for item in items:
            key = item.casefold()
            if item and key not in seen:
                seen.add(key)
                out.append(item)
        return out

    @model_validator(mode="after")
    def _salary_consistent(self) -> "JobPosting":
        if self.salary_min is not None and self.salary_max is not None \
                and self.salary_min > self.salary_max:
            raise ValueError(f"salary_min ({self.salary_min:g}) is greater than salary_max "
                             f"({self.salary_max:g})")
        if self.salary_min is None and self.salary_max is None:
            # A period or currency without a figure says nothing: keep neither.
            self.salary_period = self.salary_currency = None
        return self

    def to_proto(self) -> pb.JobPosting:
        message = pb.JobPosting(description=self.description, requirements=self.requirements,
                                benefits=self.benefits, skills=self.skills)
        for name in ("title", "company", "location", "salary_min", "salary_max", "salary_currency"):
            value = getattr(self, name)
            if value is not None:
                setattr(message, name, value)
        if self.salary_period is not None:
            message.salary_period = PERIODS[self.salary_period]
        return message


# ---- field masks: callers who want some fields do not pay for generating the rest ----------

FIELDS = tuple(JobPosting.model_fields)
# The fields that hold one value or null (not a list, not the description).
NULLABLE = tuple(name for name, info in JobPosting.model_fields.items()
                 if type(None) in typing.get_args(info.annotation))
SALARY = ("salary_min", "salary_max", "salary_currency", "salary_period")
GROUPS = {"salary": SALARY}  # one name for the four salary fields


def wanted_fields(names) -> frozenset[str] | None:
    """The fields a request asks for (JobPosting names, or "salary" for its four); None for
    all. ValueError names the first unknown one. Salary fields come as a group: a range
    without its currency or period is not a fact."""
    if not names:
        return None
    wanted: set[str] = set()
    for name in names:
        if name in GROUPS:
            wanted.update(GROUPS[name])
        elif name in FIELDS:
            wanted.update(SALARY if name in SALARY else (name,))
        else:
            raise ValueError(f"unknown field {name[:60]!r}; use {', '.join(FIELDS)} or salary")
    return None if wanted == set(FIELDS) else frozenset(wanted)


def asked(field: str, wanted: frozenset[str] | None) -> bool:
    """Whether a call that wants `wanted` (wanted_fields; None: all) asks for `field`."""
    return wanted is None or field in wanted


def masked(job: JobPosting, wanted: frozenset[str] | None) -> JobPosting:
    """`job` with every field not wanted empty (null, [] or "")."""
    if wanted is None:
        return job
    empty = {name: ([] if isinstance(getattr(job, name), list) else
                    "" if name == "description" else None)
             for name in FIELDS if name not in wanted}
    return job.model_copy(update=empty)


def _mask_schema(schema: dict, wanted: frozenset[str]) -> dict:
    """The local schema with unwanted fields pinned to null, [] or "": a few tokens each."""
    for name, node in schema["properties"].items():
        if name in wanted:
            continue
        if node.get("type") == "array":
            schema["properties"][name] = {"type": "array", "maxItems": 0}
        elif node.get("type") == "string":
            schema["properties"][name] = {"type": "string", "maxLength": 0}
        else:
            schema["properties"][name] = {"type": "null"}
    return schema


# Keywords the strictest cloud structured-output modes reject; local grammars enforce them.
_BOUNDS = ("maxLength", "minLength", "maxItems", "minItems", "minimum", "maximum",
           "exclusiveMinimum", "exclusiveMaximum")


def _strip(node, keys: tuple[str, ...]):
    """Drop schema keywords `keys` everywhere (property names are not keywords)."""
    if isinstance(node, dict):
        return {k: ({name: _strip(sub, keys) for name, sub in v.items()} if k == "properties"
                    else _strip(v, keys))
                for k, v in node.items() if k not in keys}
    if isinstance(node, list):
        return [_strip(v, keys) for v in node]
    return node


@cache
def _schema_text(portable: bool, wanted: frozenset[str] | None = None) -> str:
    schema = JobPosting.model_json_schema()
    schema = _strip(schema, ("title", "default"))
    schema["required"] = list(schema["properties"])  # every field present; null when absent
    schema["additionalProperties"] = False
    if portable:
        schema = _strip(schema, _BOUNDS)
    elif wanted is not None:
        schema = _mask_schema(schema, wanted)
    return json.dumps(schema)


def generation_schema(portable: bool = False) -> dict:
    """The JSON schema generation is constrained by.

    Local (`portable=False`): with the length and item bounds, so a grammar keeps a small
    model from running away. Cloud (`portable=True`): the same fields without the bounds
    strict cloud modes refuse; pydantic still enforces them on the answer.
    """
    return copy.deepcopy(json.loads(_schema_text(portable)))


def schema_text(portable: bool = False, wanted: frozenset[str] | None = None) -> str:
    """The schema as text; locally, fields not `wanted` are pinned empty (the cloud's
    schema stays whole: its answer is masked after)."""
    return _schema_text(portable, None if portable else wanted)
