"""Shapes of video sessions, signalling messages, files shown in a call and agents' skills."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SignalKind = Literal["offer", "answer", "candidate", "file", "bye"]  # "file": a file was added to the session
MAX_SIGNAL_CHARS = 20_000


class VideoRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(min_length=1, max_length=40, description="办理事项代码（见 items），也是接听坐席需要的技能")
    consent: bool = Field(description="同意开启摄像头和麦克风进行视频通话（必须为 true）")
    recording: bool = Field(default=False, description="是否同意录像（本系统不保存录像，只记录此选择）")


class VideoSessionRead(BaseModel):
    id: str
    item: str
    item_label: str
    status: str
    status_label: str
    recording: bool
    citizen_masked: str
    agent_name: str | None
    created_at: dt.datetime = Field(description="北京时间")
    outcome: str | None
    demo: bool


class SignalWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SignalKind
    body: dict[str, Any] = Field(default_factory=dict, description="SDP 或 ICE candidate")

    @field_validator("body")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(str(value)) > MAX_SIGNAL_CHARS:
            raise ValueError("信令内容过大")
        return value


class SignalRead(BaseModel):
    id: int
    kind: str
    body: dict[str, Any]


class SignalsRead(BaseModel):
    status: str
    signals: list[SignalRead]


class OutcomeWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(min_length=1, max_length=500, description="办理结果")


class VideoFileRead(BaseModel):
    id: int
    name: str
    content_type: str
    size: int
    sender: Literal["member", "agent"]
    uploaded_at: dt.datetime = Field(description="北京时间")
    url: str = Field(description="下载地址（仅本人和接听的工作人员可取）")


class SkillsWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    skills: list[str] = Field(max_length=20, description="坐席负责的办理事项代码；空表示全部事项")


class SkillsRead(BaseModel):
    account_id: int
    skills: list[str]
