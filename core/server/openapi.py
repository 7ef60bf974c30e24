"""The OpenAPI 3.1 document served at ``/openapi.json`` (hand-written, checked by a test)."""

from __future__ import annotations

from importlib import metadata
from typing import Any

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["message", "type"],
                "properties": {
                    "message": {"type": "string", "description": "One line, for people."},
                    "type": {"type": "string"},
                    "code": {"type": ["string", "null"]},
                    "param": {"type": ["string", "null"]},
                },
            },
            "calvados": _ref("Extension"),
        },
    },
    "Message": {
        "type": "object",
        "required": ["role"],
        "properties": {
            "role": {
                "type": "string",
                "enum": ["system", "developer", "user", "assistant", "tool"],
            },
            "content": {
                "description": "Text, or a list of parts of which the text parts are read.",
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"type": "object"}},
                    {"type": "null"},
                ],
            },
        },
    },
    "Options": {
        "type": "object",
        "description": "Calvados extension of a request.",
        "properties": {
            "session": {"type": "string", "description": "Continue this session."},
            "confirm": {
                "type": "boolean",
                "description": "Approve tools that need confirmation (booking, cancelling).",
            },
            "consent": {
                "type": "boolean",
                "description": "Allow what the privacy policy would ask about (cloud use).",
            },
        },
    },
    "ChatRequest": {
        "type": "object",
        "required": ["messages"],
        "properties": {
            "model": {"type": "string", "description": "Any name; the agent answers."},
            "messages": {"type": "array", "minItems": 1, "items": _ref("Message")},
            "stream": {"type": "boolean", "default": False},
            "session": {"type": "string", "description": "Same as calvados.session."},
            "calvados": _ref("Options"),
        },
    },
    "ToolReport": {
        "type": "object",
        "properties": {
            "tool": {"type": "string"},
            "arguments": {"type": "object"},
            "status": {"type": "string", "enum": ["ok", "error", "not_confirmed"]},
            "text": {"type": "string"},
            "result": {},
            "error": {"type": ["string", "null"]},
        },
    },
    "Extension": {
        "type": "object",
        "description": "What the agent did: session, where it ran, tools, notices.",
        "properties": {
            "session": {"type": ["string", "null"]},
            "where": {"type": ["string", "null"], "description": "e.g. on-device: MODEL"},
            "tools": {"type": "array", "items": _ref("ToolReport")},
            "notices": {"type": "array", "items": {"type": "string"}},
            "crisis": {"type": "boolean"},
            "confirmation_needed": {"type": "array", "items": {"type": "object"}},
            "consent_needed": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ChatCompletion": {
        "type": "object",
        "required": ["id", "object", "created", "model", "choices"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "const": "chat.completion"},
            "created": {"type": "integer"},
            "model": {"type": "string"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        "message": _ref("Message"),
                        "finish_reason": {"type": "string"},
                    },
                },
            },
            "calvados": _ref("Extension"),
        },
    },
    "ChatCompletionChunk": {
        "type": "object",
        "description": "One server-sent event (data: JSON); the stream ends with data: [DONE].",
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "const": "chat.completion.chunk"},
            "created": {"type": "integer"},
            "model": {"type": "string"},
            "choices": {"type": "array", "items": {"type": "object"}},
            "calvados": {
                "description": "A tool report ({tool: ...}) or, on the last chunk, the Extension.",
                "type": "object",
            },
        },
    },
    "ModelList": {
        "type": "object",
        "properties": {
            "object": {"type": "string", "const": "list"},
            "data": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "object": {"type": "string", "const": "model"},
                        "created": {"type": "integer"},
                        "owned_by": {"type": "string"},
                    },
                },
            },
        },
    },
}

_SESSION_HEADER = {
    "name": "X-Calvados-Session",
    "in": "header",
    "required": False,
    "description": "Continue this session (the body's session field wins).",
    "schema": {"type": "string"},
}

_RETRY_AFTER = {
    "description": "Seconds until the queue likely has room.",
    "schema": {"type": "integer"},
}


def _chat_operation() -> dict[str, Any]:
    ok = _json(_ref("ChatCompletion"), "The answer (or, with stream: true, server-sent events).")
    ok["content"]["text/event-stream"] = {"schema": _ref("ChatCompletionChunk")}
    ok["headers"] = {"X-Calvados-Session": {"schema": {"type": "string"},
                                            "description": "The session this turn went to."}}
    too_many = _error("The model queue is full.")
    too_many["headers"] = {"Retry-After": _RETRY_AFTER}
    return {
        "operationId": "createChatCompletion",
        "summary": "Answer the last user message with the agent (planner, skills, policy).",
        "parameters": [_SESSION_HEADER],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("ChatRequest")}}},
        "responses": {
            "200": ok,
            "400": _error("The request is malformed."),
            "401": _error("Missing or wrong API key."),
            "403": _error("The privacy policy asks for consent (code consent_required)."),
            "404": _error("No such session."),
            "429": too_many,
            "500": _error("The agent failed."),
            "503": _error("The server is shutting down."),
        },
    }


def openapi_document() -> dict[str, Any]:
    """The API description (OpenAPI 3.1)."""
    try:
        version = metadata.version("calvados")
    except metadata.PackageNotFoundError:
        version = "0"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Calvados",
            "version": version,
            "description": "OpenAI-compatible chat completions answered by the Calvados agent. "
            "Extension fields live under `calvados`.",
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/models": {"get": {
                "operationId": "listModels",
                "summary": "The one model this server offers: the agent.",
                "responses": {"200": _json(_ref("ModelList"), "The models."),
                              "401": _error("Missing or wrong API key.")},
            }},
            "/v1/chat/completions": {"post": _chat_operation()},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document.", "security": [],
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 document.")},
            }},
            "/health": {"get": {
                "operationId": "health", "summary": "Liveness and queue occupancy.",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "Status.")},
            }},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Required when the server is bound to a non-loopback address.",
            }},
        },
    }
