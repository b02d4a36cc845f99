# The seed stack (issue 6): the original Python spec's stack, FastAPI + SQLModel on uvicorn, for the
# benchmarked routes of our tasks API, written the way FastAPI's and SQLModel's documentation show:
# table models, an AsyncSession per request from a `Depends` dependency, `response_model`, an async
# SQLAlchemy engine on asyncpg. Same tables (made by backend/'s migrations), paths and JSON fields;
# errors are FastAPI's own ({"detail": ...}), not our problem+json. check.ts proves the equivalence.
#   GET   /healthz
#   GET   /api/{me|own id}/tasks     status, q, tag, priority, due, tz, sort, limit, cursor
#   POST  /api/{me|own id}/tasks
#   PATCH /api/{me|own id}/tasks/{id}/complete     {"is_completed": bool}, or no body: toggle
# Bearer JWTs only (EdDSA, keys from Better Auth's `jwks` table), as backend/src/auth/jwt.ts checks.
# Env: DATABASE_URL, JWT_ISSUER, CURSOR_SECRET, DATABASE_POOL_MAX (10). Debian's Python and packages
# (launch.ts installs and starts it):
#   /usr/bin/python3 -m uvicorn app:app --app-dir bench/seed-stack --loop uvloop --http httptools \
#     --no-access-log --log-level warning --host 127.0.0.1 --port 8000
import asyncio
import base64
import hashlib
import hmac
import json
import math
import os
import re
import time
import uuid
from datetime import datetime, timedelta
from enum import Enum
from typing import List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jwt
from fastapi import Body, Depends, FastAPI, HTTPException, Path, Query, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Extra, StrictBool, conlist, constr, validator
from sqlalchemy import Column, DateTime, Float, Text, and_, cast, func, literal_column, or_, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, ENUM
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

ISSUER = os.environ["JWT_ISSUER"]
CURSOR_SECRET = os.environ.get("CURSOR_SECRET") or os.environ["BETTER_AUTH_SECRET"]
DATABASE_URL = re.sub(r"^postgres(ql)?://", "postgresql+asyncpg://", os.environ["DATABASE_URL"])

engine = create_async_engine(
    DATABASE_URL, pool_size=int(os.environ.get("DATABASE_POOL_MAX") or 10), max_overflow=0
)
async_session = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


# ---- Models ----


class Priority(str, Enum):
    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


PRIORITY_TYPE = ENUM(Priority, name="task_priority", create_type=False)


class TaskBase(SQLModel):
    title: str
    description: str = ""
    is_completed: bool = False
    priority: Priority = Field(Priority.none, sa_column=Column(PRIORITY_TYPE, nullable=False))
    due_at: Optional[datetime] = Field(None, sa_column=Column(DateTime(timezone=True)))
    tags: List[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    position: float = 0


class Task(TaskBase, table=True):
    __tablename__ = "tasks"
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: uuid.UUID
    completed_at: Optional[datetime] = Field(None, sa_column=Column(DateTime(timezone=True)))
    version: int = 1
    created_at: Optional[datetime] = Field(
        None, sa_column=Column(DateTime(timezone=True), server_default=func.now())
    )
    updated_at: Optional[datetime] = Field(
        None, sa_column=Column(DateTime(timezone=True), server_default=func.now())
    )


class TaskRead(TaskBase):
    id: int
    user_id: uuid.UUID
    completed_at: Optional[datetime]
    version: int
    created_at: datetime
    updated_at: datetime


class TaskList(SQLModel):
    items: List[TaskRead]
    next_cursor: Optional[str]


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


Tag = constr(strict=True, strip_whitespace=True, min_length=1, max_length=32)


class TaskCreate(TaskBase):
    title: constr(strict=True, strip_whitespace=True, min_length=1, max_length=200)
    description: constr(strict=True, max_length=5000) = ""
    is_completed: StrictBool = False
    tags: conlist(Tag, max_items=20) = []
    position: Optional[float] = None  # None: after the user's last task

    class Config:
        extra = Extra.forbid

    @validator("title")
    def title_has_no_control_characters(cls, v):
        if CONTROL.search(v):
            raise ValueError("title cannot contain control characters")
        return v

    @validator("description")
    def description_has_no_control_characters(cls, v):
        if CONTROL_BUT_LINE_BREAKS.search(v):
            raise ValueError(
                "description cannot contain control characters other than tab and line breaks"
            )
        return v

    @validator("tags")
    def tags_are_distinct(cls, v):
        if any(CONTROL.search(tag) for tag in v):
            raise ValueError("a tag cannot contain control characters")
        return list(dict.fromkeys(v))

    @validator("due_at")
    def due_at_has_an_offset(cls, v):
        if v is not None and v.tzinfo is None:
            raise ValueError("due_at needs a time zone offset")
        return v

    @validator("position")
    def position_is_finite(cls, v):
        if v is not None and not math.isfinite(v):
            raise ValueError("position must be a finite number")
        return v


class Completion(SQLModel):
    is_completed: StrictBool

    class Config:
        extra = Extra.forbid


class Jwk(SQLModel, table=True):
    """Better Auth's signing keys (only the columns read here)."""

    __tablename__ = "jwks"
    id: uuid.UUID = Field(primary_key=True)
    public_key: str
    alg: Optional[str]
    crv: Optional[str]
    expires_at: Optional[datetime] = Field(sa_column=Column(DateTime(timezone=True)))

    def jwk(self) -> dict:
        key = json.loads(self.public_key)
        return {"kty": "OKP", "alg": self.alg or "EdDSA", "crv": self.crv or "Ed25519", **key}


# ---- Dependencies ----


async def get_session():
    async with async_session() as session:
        yield session


class Keys:
    """The public keys by id: loaded on first use, and again for an unknown key (once a second)."""

    def __init__(self):
        self.by_id: dict = {}
        self.loaded_at = float("-inf")
        self.loading = asyncio.Lock()

    async def get(self, kid: str, session: AsyncSession):
        if kid not in self.by_id:
            async with self.loading:  # requests that come during a load wait for it
                if kid not in self.by_id and time.monotonic() - self.loaded_at >= 1:
                    self.loaded_at = time.monotonic()
                    fresh = or_(
                        Jwk.expires_at.is_(None), Jwk.expires_at + timedelta(days=30) > func.now()
                    )
                    rows = (await session.exec(select(Jwk).where(fresh))).all()
                    self.by_id = {str(k.id): jwt.PyJWK(k.jwk()).key for k in rows}
        return self.by_id.get(kid)


keys = Keys()
bearer = HTTPBearer(auto_error=False)


def unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


async def current_user_id(
    user_id: str = Path(),
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
    session: AsyncSession = Depends(get_session),
) -> uuid.UUID:
    """The token's user, who must be the one the path names (or "me")."""
    if credentials is None:
        raise unauthorized("Send a bearer token.")
    token = credentials.credentials
    try:
        key = await keys.get(jwt.get_unverified_header(token).get("kid"), session)
        if key is None:
            raise unauthorized("The token is not valid: unknown key.")
        claims = jwt.decode(
            token, key, algorithms=["EdDSA"], issuer=ISSUER, audience=ISSUER,
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.InvalidTokenError as error:
        raise unauthorized(f"The token is not valid: {error}.")
    if not isinstance(claims["sub"], str) or not isinstance(claims.get("email"), str):
        raise unauthorized("The token has no user.")
    if user_id not in ("me", claims["sub"]):
        raise HTTPException(403, "You can only see and change your own tasks.")
    return uuid.UUID(claims["sub"])


# ---- Page cursors: backend/src/lib/cursor.ts's format: either server's cursors work on both ----


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def to_json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


CURSOR_KEY = hmac.new(CURSOR_SECRET.encode(), b"todo page cursor v1", hashlib.sha256).digest()


def sign(data: str) -> str:
    return b64url(hmac.new(CURSOR_KEY, data.encode(), hashlib.sha256).digest())


def encode_cursor(position: dict, query: str) -> str:
    data = b64url(to_json([position, query]).encode())
    return f"{data}.{sign(data)}"


def decode_cursor(cursor: str, query: str) -> Optional[dict]:
    data, _, signature = cursor.partition(".")
    if not hmac.compare_digest(signature.split(".")[0].encode(), sign(data).encode()):
        return None
    try:
        position, bound_to = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        return position if bound_to == query else None
    except (ValueError, TypeError):
        return None


# ---- Routes ----

app = FastAPI(title="Todo (seed stack)")


class Status(str, Enum):
    all = "all"
    pending = "pending"
    completed = "completed"


class Due(str, Enum):
    overdue = "overdue"
    today = "today"
    upcoming = "upcoming"
    none = "none"


class Sort(str, Enum):
    created = "created"
    desc_created = "-created"
    due = "due"
    desc_due = "-due"
    priority = "priority"
    desc_priority = "-priority"
    title = "title"
    desc_title = "-title"
    position = "position"


INFINITY = literal_column("'infinity'::timestamptz", DateTime(timezone=True))
DUE_KEY = func.coalesce(Task.due_at, INFINITY)
# Each sort key, and the type its text form is cast back to when a cursor resumes.
SORT_KEYS = {
    "created": (Task.created_at, DateTime(timezone=True)),
    "due": (DUE_KEY, DateTime(timezone=True)),
    "priority": (Task.priority, PRIORITY_TYPE),
    "title": (func.lower(Task.title), Text),
    "position": (Task.position, Float),
}


def valid_time_zone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise HTTPException(422, "tz must be an IANA time zone, such as Europe/Paris")
    return tz


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.get("/api/{user_id}/tasks", response_model=TaskList)
async def list_tasks(
    status_: Status = Query(Status.all, alias="status"),
    q: Optional[constr(strip_whitespace=True, min_length=1, max_length=200)] = None,
    tag: Optional[constr(strip_whitespace=True, min_length=1, max_length=32)] = None,
    priority: Optional[Priority] = None,
    due: Optional[Due] = None,
    tz: str = Query("UTC"),
    sort: Sort = Sort.created,
    limit: int = Query(50, ge=1, le=100),
    cursor: Optional[str] = Query(None, max_length=2000),
    user: uuid.UUID = Depends(current_user_id),
    session: AsyncSession = Depends(get_session),
):
    valid_time_zone(tz)
    filters = {"status": status_.value}
    conditions = [Task.user_id == user]
    if status_ != Status.all:
        conditions.append(Task.is_completed == (status_ == Status.completed))
    if q:
        filters["q"] = q
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
        conditions.append((Task.title + " " + Task.description).ilike(pattern))
    if tag:
        filters["tag"] = tag
        conditions.append(Task.tags.contains([tag]))
    if priority:
        filters["priority"] = priority.value
        conditions.append(Task.priority == priority)
    if due:
        filters["due"] = due.value
        now = datetime.now(ZoneInfo(tz))
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        tomorrow = today + timedelta(days=1)  # wall-clock arithmetic: right on 23 or 25-hour days
        conditions.append({
            Due.overdue: and_(DUE_KEY < now, ~Task.is_completed),
            Due.today: and_(DUE_KEY >= today, DUE_KEY < tomorrow),
            Due.upcoming: and_(DUE_KEY >= tomorrow, DUE_KEY < INFINITY),
            Due.none: DUE_KEY == INFINITY,
        }[due])
    filters["tz"] = tz

    descending = sort.value.startswith("-")
    key, key_type = SORT_KEYS[sort.value.lstrip("-")]
    query = to_json([sort.value, filters])  # a cursor is valid only for the query that made it
    if cursor:
        after = decode_cursor(cursor, query)
        if after is None:
            raise HTTPException(400, "The cursor is damaged, or was made for another query.")
        resume = tuple_(cast(cast(after["key"], Text), key_type), after["id"])
        position = tuple_(key, Task.id)
        conditions.append(position < resume if descending else position > resume)
    order = [key.desc(), Task.id.desc()] if descending else [key.asc(), Task.id.asc()]
    # One row more than the page, to know whether more follow.
    statement = select(Task, cast(key, Text).label("sort_key")).where(*conditions)
    rows = (await session.exec(statement.order_by(*order).limit(limit + 1))).all()
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last, last_key = page[-1]
        next_cursor = encode_cursor({"key": last_key, "id": last.id}, query)
    return {"items": [task for task, _ in page], "next_cursor": next_cursor}


@app.post("/api/{user_id}/tasks", response_model=TaskRead, status_code=201)
async def create_task(
    new_task: TaskCreate,
    response: Response,
    user: uuid.UUID = Depends(current_user_id),
    session: AsyncSession = Depends(get_session),
):
    task = Task(**new_task.dict(exclude={"position"}), user_id=user)
    # Unless given, the position is after the user's last task: computed in the INSERT itself.
    task.position = new_task.position
    if task.position is None:
        end = select(func.coalesce(func.max(Task.position), 0) + 1).where(Task.user_id == user)
        task.position = end.scalar_subquery()
    if task.is_completed:
        task.completed_at = func.now()
    session.add(task)
    await session.commit()
    await session.refresh(task)
    response.headers["Location"] = f"/api/{task.user_id}/tasks/{task.id}"
    response.headers["ETag"] = f'"{task.version}"'
    return task


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskRead)
async def complete_task(
    response: Response,
    task_id: int = Path(ge=1, le=2_147_483_647),
    completion: Optional[Completion] = Body(None),
    user: uuid.UUID = Depends(current_user_id),
    session: AsyncSession = Depends(get_session),
):
    """Sets completion, or toggles it when there is no body."""
    task = await session.get(Task, task_id, with_for_update=True)
    if task is None or task.user_id != user:
        raise HTTPException(404, "No such task.")
    task.is_completed = not task.is_completed if completion is None else completion.is_completed
    task.completed_at = (task.completed_at or func.now()) if task.is_completed else None
    task.version += 1
    task.updated_at = func.now()
    session.add(task)
    await session.commit()
    await session.refresh(task)
    response.headers["ETag"] = f'"{task.version}"'
    return task
