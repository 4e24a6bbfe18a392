"""Shapes of the assistant's question and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AssistantQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=200, description="用中文提问，例如：我今年还能报多少")


class CitationRead(BaseModel):
    kind: str = Field(description="rule 规则表 | guide 办事指南 | archive 本人档案")
    ref: str = Field(description="规则行 id、指南 id 或档案部分")
    label: str
    source: str
    example_parameter: bool


class AssistantAnswerRead(BaseModel):
    answer: str
    intent: str
    grounded: bool = Field(description="false 时没有依据，回答说明了不能回答的原因")
    citations: list[CitationRead]
