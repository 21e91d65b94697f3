"""An application at the registration counter, validated: what the clerk (or the registration system)
asks about before approving it.

Three kinds (京政办发〔2016〕24号 三(一)): ``new`` (设立登记, a new name and scope), ``change`` (变更登记 of
the name or scope; ``previous`` is the registration as it is now, and a field left out stays as it
was) and ``move_in`` (迁入; ``approved`` says whether the move has been approved). The region is the
registering authority's GB/T 2260 code: it picks the lists that apply. A malformed application is an
:class:`ApplicationError` whose message names the field (the HTTP API answers 422 with it).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from screening.errors import ApplicationError

KINDS = ("new", "change", "move_in")
KIND_NAMES = {"new": "设立登记", "change": "变更登记", "move_in": "迁入登记"}
NAME_MAX, SCOPE_MAX, PEOPLE_MAX = 200, 10_000, 100
# GB/T 2260 province codes (the first two digits of a region code)
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                      "61 62 63 64 65 71 81 82".split())


MESSAGES = {
    "missing": "必填", "literal_error": "须为 new（设立）、change（变更）或 move_in（迁入）",
    "extra_forbidden": "不认识的字段（可用 id, kind, region, name, scope, previous, approved, legal_reps, shareholders）",
    "string_type": "须为文本", "string_too_long": "过长（最多 {limit} 个字符）", "too_long": "过多（最多 {limit} 项）",
    "bool_type": "须为 true 或 false", "bool_parsing": "须为 true 或 false", "list_type": "须为文本的列表",
    "model_type": "须为 JSON 对象", "model_attributes_type": "须为 JSON 对象", "dict_type": "须为 JSON 对象",
    "json_invalid": "请求体不是合法的 JSON", "json_type": "请求体不是合法的 JSON",
}


class Previous(BaseModel):
    """The registration as it is now, before a change."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str | None = Field(None, max_length=NAME_MAX)
    scope: str | None = Field(None, max_length=SCOPE_MAX)


class Application(BaseModel):
    """One application: kind, region, the name and scope applied for, and for a change the previous ones."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["new", "change", "move_in"]
    id: str | None = Field(None, max_length=64, description="The caller's own id of the application, echoed back.")
    region: str = Field(description="The registering authority's GB/T 2260 code, 6 digits (110105).")
    name: str | None = Field(None, max_length=NAME_MAX, description="The name applied for (企业或个体户名称).")
    scope: str | None = Field(None, max_length=SCOPE_MAX, description="The business scope applied for.")
    previous: Previous | None = Field(None, description="For a change: the name and scope as registered now.")
    approved: bool = Field(False, description="For a move in: whether the move has been approved (经批准).")
    # The persons named: one restricted (任职资格限制) or of interest (延伸监管) makes the answer report, never
    # refuse (screening.intake.persons_check). Never recorded as given: a reason shows the ID masked.
    legal_reps: list[Annotated[str, Field(max_length=NAME_MAX)]] | None = Field(
        None, max_length=PEOPLE_MAX, description="法定代表人: a name, optionally with its ID number (张三(110105…)).")
    shareholders: list[Annotated[str, Field(max_length=NAME_MAX)]] | None = Field(
        None, max_length=PEOPLE_MAX, description="股东 (natural persons or firms), each as for legal_reps.")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not (len(value) == 6 and value.isascii() and value.isdigit()):
            raise ValueError("地区代码须为6位数字的行政区划代码 (GB/T 2260)，如 110105")
        if value[:2] not in PROVINCES:
            raise ValueError(f"{value} 不是行政区划代码：前两位 {value[:2]} 不是省级代码")
        return value

    def incomplete(self) -> list[dict]:
        """What a well-formed application still lacks for its kind, each problem naming its field."""
        found = []
        if self.kind == "change":
            if self.previous is None or not (self.previous.name or self.previous.scope):
                found.append(problem("previous", "变更登记须给出 previous（变更前的名称和经营范围）"))
            if not (self.name or self.scope):
                found.append(problem("name", "变更登记须给出变更后的 name 或 scope"))
        else:
            if not self.name:
                found.append(problem("name", f"{KIND_NAMES[self.kind]}须给出 name（名称）"))
            if self.previous is not None and (self.previous.name or self.previous.scope):
                found.append(problem("previous", f"previous 只用于变更登记（change），{KIND_NAMES[self.kind]}不用"))
        if self.approved and self.kind != "move_in":
            found.append(problem("approved", "approved 只用于迁入登记（move_in）"))
        return found

    @property
    def resulting_name(self) -> str | None:
        """The name the firm will have: for a change left without one, the previous name."""
        if self.kind == "change" and not self.name:
            return self.previous.name
        return self.name

    @property
    def resulting_scope(self) -> str | None:
        """The scope the firm will have: for a change left without one, the previous scope."""
        if self.kind == "change" and not self.scope:
            return self.previous.scope
        return self.scope


def problem(field: str, message: str, kind: str = "value_error") -> dict:
    """One problem of an application: the field (dotted: previous.name), a message, its type."""
    return {"field": field, "message": message, "type": kind}


def chinese(item: dict) -> str:
    """A validation message in Chinese first (pydantic's own in brackets)."""
    message = item["msg"].removeprefix("Value error, ")
    if item["type"] == "value_error":
        return message
    limit = (item.get("ctx") or {}).get("max_length")
    said = MESSAGES.get(item["type"], "格式不对").format(limit=limit)
    return f"{said}（{message}）"


def problems(error: ValidationError) -> list[dict]:
    """Each problem of a validation error, the field dotted (previous.name); the input itself is never
    echoed (it may hold personal data)."""
    return [problem(".".join(str(part) for part in item["loc"]) or "body", chinese(item), item["type"])
            for item in error.errors(include_input=False, include_url=False)]


def rejected(found: list[dict]) -> ApplicationError:
    """The error for an application with these problems: one line naming every field, the problems kept."""
    error = ApplicationError("申请有误：" + "；".join(f"{p['field']}：{p['message']}" for p in found))
    error.problems = found
    return error


def validated(parse, data) -> Application:
    """The application ``parse`` makes of ``data``, complete for its kind, or ApplicationError."""
    try:
        application = parse(data)
    except ValidationError as error:
        raise rejected(problems(error)) from None
    if found := application.incomplete():
        raise rejected(found)
    return application


def parse_application(data: object) -> Application:
    """An :class:`Application` from decoded JSON or a dict of fields, or ApplicationError naming the fields."""
    return validated(Application.model_validate, data)


def parse_application_json(body: bytes) -> Application:
    """An :class:`Application` from a JSON body (UTF-8), or ApplicationError naming the fields."""
    return validated(Application.model_validate_json, body)
