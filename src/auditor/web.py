"""Local self-check web app (`auditor serve`, optional extra `auditor[web]`).

A report author uploads or pastes a report and sees the verdict, the findings and the tables
with the problem cells highlighted — the same renderer as `auditor check --format html`.
`POST /api/check` returns the JSON of `auditor check FILE --format json` for office portals.

Safety: uploads are size-limited while they are read; each audit runs in a child process with an
address-space limit and a timeout (a hostile file can only take down its child); the upload is
written under a fresh temporary directory with a fixed name (the user's filename is only shown,
escaped, never used as a path) and the directory is deleted before the response is sent. Form
posts carry a double-submit CSRF token; every HTML response has a strict Content-Security-Policy
(scripts and styles only from this server, no inline code).
"""
from __future__ import annotations

import contextlib
import hmac
import json
import multiprocessing
import os
import queue
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .ingest import SUPPORTED
from .render import html as html_render

DEFAULT_MAX_UPLOAD_MB = 50
CSRF_COOKIE = "auditor_csrf"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
STATIC = {"report.css": "text/css; charset=utf-8", "report.js": "text/javascript; charset=utf-8"}


@dataclass
class WebSettings:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    timeout: float = 120.0  # seconds per audit
    memory_mb: int = 2048  # address-space limit of an audit child
    jobs: int = max(1, os.cpu_count() or 1)  # audits at once; more uploads wait their turn
    config: str | None = None  # auditor.toml applied to every audit
    result_ttl: float = 1800.0  # how long a result stays downloadable (memory only)
    max_results: int = 200


class AuditFailed(Exception):
    def __init__(self, kind: str, message: str, status: int = 422):
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


# -- the audit, in a child process -------------------------------------------------------------

_CTX_LOCK = threading.Lock()
_CTX = None


def _mp_context():
    global _CTX
    with _CTX_LOCK:
        if _CTX is None:
            methods = multiprocessing.get_all_start_methods()
            if "forkserver" in methods:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["auditor._web_preload"])
            else:  # pragma: no cover - Windows/macOS fallback
                ctx = multiprocessing.get_context("spawn")
            _CTX = ctx
    return _CTX


class _Worker:
    def __init__(self, ctx, memory_bytes: int | None):
        from . import web_worker

        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=web_worker.worker_main, args=(child, memory_bytes), daemon=True)
        self.proc.start()
        child.close()
        self.jobs = 0

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.conn.close()
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)


class AuditRunner:
    """Audits in `jobs` long-lived child processes, each with an address-space limit; a job that
    overruns the timeout or kills its process is an error for that upload and the process is
    replaced. Uploads beyond `jobs` wait for a free process."""

    RECYCLE_AFTER = 200  # jobs per process, so fragmentation under the memory limit cannot build up

    def __init__(self, settings: WebSettings):
        self.settings = settings
        self.idle: queue.LifoQueue = queue.LifoQueue()
        for _ in range(settings.jobs):
            self.idle.put(None)  # a slot whose process starts on first use
        self._closed = False

    def _memory(self) -> int | None:
        return self.settings.memory_mb * 1024 * 1024 if self.settings.memory_mb else None

    def run(self, data: bytes, suffix: str, source: str, region: str | None, select: list[str] | None) -> dict:
        worker = self.idle.get()
        keep = False
        try:
            if worker is None or not worker.proc.is_alive():
                worker = _Worker(_mp_context(), self._memory())
            with tempfile.TemporaryDirectory(prefix="auditor-web-") as tmp:
                # A fixed name: the user's filename never becomes a path.
                path = Path(tmp) / f"upload{suffix}"
                path.write_bytes(data)
                worker.conn.send((str(path), source, region, select, self.settings.config))
                msg = self._receive(worker)
            worker.jobs += 1
            keep = not (msg[0] == "error" and msg[1] in ("memory", "internal")) and worker.jobs < self.RECYCLE_AFTER
        finally:
            if not keep and worker is not None:
                worker.stop(kill=True)
                worker = None
            self.idle.put(worker)
        if msg[0] == "ok":
            return msg[1]
        status = 400 if msg[1] == "config" else 422
        raise AuditFailed(msg[1], msg[2], status)

    def _receive(self, worker: _Worker):
        deadline = time.monotonic() + self.settings.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AuditFailed("timeout", f"审查超时（超过 {self.settings.timeout:g} 秒），文件可能过大或过于复杂")
            try:
                if worker.conn.poll(min(left, 0.5)):
                    return worker.conn.recv()
            except (EOFError, OSError):
                raise AuditFailed("memory", "审查进程意外结束（文件过大或结构过于复杂，超出内存限制）") from None
            if not worker.proc.is_alive() and not worker.conn.poll(0):
                raise AuditFailed("memory", "审查进程意外结束（文件过大或结构过于复杂，超出内存限制）")

    def close(self) -> None:
        """Stop the audit processes (server shutdown)."""
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.stop()


# -- results kept for download (memory only, bounded) ------------------------------------------

class ResultStore:
    def __init__(self, ttl: float, limit: int):
        self.ttl, self.limit = ttl, limit
        self._items: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, result: dict) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._items[token] = (time.monotonic(), result)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> dict | None:
        with self._lock:
            now = time.monotonic()
            for k in [k for k, (t, _r) in self._items.items() if now - t > self.ttl]:
                del self._items[k]
            item = self._items.get(token)
        return item[1] if item else None


def _json_download(result: dict) -> bytes:
    return (json.dumps(result["doc"], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _html_download(result: dict) -> bytes:
    return html_render.render_report_page(result["record"], title="年度报告审查结果").encode("utf-8")


def _xlsx_download(result: dict) -> bytes:
    import io

    from .render.xlsx import XlsxWriter

    book = XlsxWriter()
    book.write(result["record"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# Download formats: name -> (link text, media type, builder). Adding a format is one line here.
DOWNLOADS: dict[str, tuple[str, str, Callable[[dict], bytes]]] = {
    "json": ("问题清单（JSON）", "application/json", _json_download),
    "html": ("审查结果网页（HTML）", "text/html; charset=utf-8", _html_download),
    "xlsx": ("问题清单和表格数据（Excel）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             _xlsx_download),
}


# -- helpers -----------------------------------------------------------------------------------

def display_name(filename: str | None) -> str:
    """The uploaded filename as shown to the user: last path part, no control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:120] or "上传的文件"


class TooLarge(Exception):
    pass


async def _read_limited(request: Request, limit: int) -> None:
    """Read the body, refusing more than `limit` bytes (plus form overhead) as it arrives."""
    allowance = limit + 64 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > allowance:
        raise TooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > allowance:
            raise TooLarge()
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette's form parser reads the cached body


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB"


class WebApp:
    def __init__(self, settings: WebSettings | None = None):
        from .plugins import default_plugins
        from .regions import known_regions

        self.settings = settings or WebSettings()
        self.runner = AuditRunner(self.settings)
        self.results = ResultStore(self.settings.result_ttl, self.settings.max_results)
        loaded = default_plugins()
        self.rules = loaded.rules
        names = known_regions()
        codes = set(names) | {g for r in self.rules for g in (r.regions or ())}
        self.regions = {c: names.get(c, c) for c in sorted(codes)}
        self.docs = html_render.rule_docs(self.rules)

    # responses
    def page(self, body: str, status: int = 200, cookie: str | None = None) -> HTMLResponse:
        resp = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
        if cookie:
            resp.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return resp

    def message(self, title: str, message: str, status: int, detail: str = "") -> HTMLResponse:
        return self.page(html_render.render_message_page(title, message, detail=detail, static_prefix="/static"),
                         status)

    @staticmethod
    def api_error(status: int, code: str, message: str) -> JSONResponse:
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    # validation shared by the form and the API
    def check_options(self, region: str | None, select: str | None) -> tuple[str | None, list[str] | None]:
        region = (region or "").strip() or None
        if region and region not in self.regions:
            raise AuditFailed("region", f"地区代码“{region}”无效（可用：{', '.join(self.regions)}）", 400)
        sel = [s.strip() for s in (select or "").split(",") if s.strip()] or None
        if sel:
            from .config import Config, resolve
            from .errors import ConfigError

            try:
                resolve(self.rules, Config(select=sel), where="select")
            except ConfigError as exc:
                raise AuditFailed("select", str(exc), 400) from None
        return region, sel

    async def read_upload(self, request: Request, allow_text: bool):
        """(data, suffix, display name, form) from a multipart post, or AuditFailed."""
        limit = self.settings.max_upload_bytes
        try:
            await _read_limited(request, limit)
        except TooLarge:
            raise AuditFailed("too_large", f"文件超过大小限制（{_mb(limit)}）", 413) from None
        ctype = request.headers.get("content-type", "")
        if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            raise AuditFailed("bad_request", "请求格式不对：请用 multipart/form-data 上传，文件放在 file 字段", 400)
        try:
            form = await request.form(max_files=2, max_fields=20, max_part_size=limit + 1024)
        except Exception as exc:  # malformed multipart bodies
            raise AuditFailed("bad_request", f"无法读取上传的内容（{type(exc).__name__}）", 400) from None
        upload = form.get("file")
        text = form.get("text") if allow_text else None
        if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", None):
            name = display_name(upload.filename)
            suffix = Path(name).suffix.lower()
            if suffix not in SUPPORTED:
                from .batch import extension_list

                raise AuditFailed("unsupported", f"不支持的文件类型“{suffix or '无扩展名'}”"
                                  f"（支持 {extension_list()}）", 415)
            data = await upload.read()
            await upload.close()
            if len(data) > limit:
                raise AuditFailed("too_large", f"文件超过大小限制（{_mb(limit)}）", 413)
            if not data.strip():
                raise AuditFailed("empty", "上传的文件是空的", 400)
            return data, suffix, name, form
        if isinstance(text, str) and text.strip():
            return text.encode("utf-8"), ".txt", "粘贴的文本", form
        raise AuditFailed("no_file", "没有收到报告：请选择一个文件，或把报告正文粘贴到文本框里" if allow_text
                          else "没有收到报告：请把报告放在 multipart 字段 file 中上传", 400)

    async def audit(self, data, suffix, name, region, select) -> dict:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.runner.run, data, suffix, name, region, select)

    # routes
    async def index(self, request: Request) -> Response:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
            token = secrets.token_urlsafe(24)
        body = html_render._env().get_template("upload.html.j2").render(
            title="政府信息公开工作年度报告自查", csrf=token, regions=self.regions,
            max_mb=_mb(self.settings.max_upload_bytes), static_prefix="/static", nonce=None, css="")
        return self.page(body, cookie=token)

    def _csrf_ok(self, request: Request, form) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        sent = form.get("csrf") if form is not None else None
        if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
            return False
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if re.sub(r"^https?://", "", origin) != host:
                return False
        return True

    async def check_form(self, request: Request) -> Response:
        try:
            data, suffix, name, form = await self.read_upload(request, allow_text=True)
        except AuditFailed as exc:  # nothing was audited: an error page changes no state
            return self.message("无法审查", exc.message, exc.status)
        if not self._csrf_ok(request, form):
            return self._csrf_failed()
        try:
            region, select = self.check_options(form.get("region"), form.get("select"))
            result = await self.audit(data, suffix, name, region, select)
        except AuditFailed as exc:
            return self.message("无法审查", f"{name}：{exc.message}", exc.status)
        record = result["record"]
        if record.get("error"):
            return self.message("无法读取此报告", f"{name}：{record['error']}", 422)
        token = self.results.put(result)
        downloads = [{"href": f"/download/{token}/{fmt}", "label": label} for fmt, (label, _m, _b) in DOWNLOADS.items()]
        body = html_render.render_report_page(
            record, title=name, lines=result.get("lines"), downloads=downloads, docs=self.docs,
            regions=self.regions, static_prefix="/static",
            region_form={"action": "/check", "csrf": form.get("csrf"),
                         "text": "\n".join(result.get("lines") or []) if name == "粘贴的文本" else None})
        return self.page(body)

    def _csrf_failed(self) -> Response:
        return self.message("页面已过期", "表单校验失败（可能页面已过期或来自其他网站）。请返回首页重新上传。", 403)

    async def api_check(self, request: Request) -> Response:
        try:
            data, suffix, name, form = await self.read_upload(request, allow_text=False)
            region, select = self.check_options(form.get("region"), form.get("select"))
            result = await self.audit(data, suffix, name, region, select)
        except AuditFailed as exc:
            return self.api_error(exc.status, exc.kind, exc.message)
        record = result["record"]
        if record.get("error"):
            return self.api_error(422, "unreadable", f"{name}：{record['error']}")
        return JSONResponse(result["doc"], headers={"Cache-Control": "no-store"})

    async def download(self, request: Request) -> Response:
        token, fmt = request.path_params["token"], request.path_params["fmt"]
        result = self.results.get(token)
        if fmt not in DOWNLOADS or result is None:
            return self.message("找不到结果", "下载链接无效或已过期（结果只在内存中保留一段时间），请重新上传审查。", 404)
        _label, media, build = DOWNLOADS[fmt]
        stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", Path(result["record"]["source"]).stem)[:60] or "report"
        from urllib.parse import quote

        headers = dict(SECURITY_HEADERS)
        headers["Content-Security-Policy"] = CSP + "; sandbox"
        headers["Content-Disposition"] = f"attachment; filename=\"audit.{fmt}\"; filename*=UTF-8''{quote(stem)}-audit.{fmt}"
        return Response(build(result), media_type=media, headers=headers)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(html_render.asset(name), media_type=STATIC[name],
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"})

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})


def create_app(settings: WebSettings | None = None) -> Starlette:
    web = WebApp(settings)

    async def not_found(request: Request, exc) -> Response:
        if request.url.path.startswith("/api/"):
            return web.api_error(404, "not_found", "没有这个接口")
        return web.message("找不到页面", "没有这个页面。", 404)

    async def bad_method(request: Request, exc) -> Response:
        if request.url.path.startswith("/api/"):
            return web.api_error(405, "method", "请求方法不对（请用 POST 上传）")
        return web.message("请求方法不对", "请从首页上传报告。", 405)

    async def internal(request: Request, exc) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"code": "internal", "message": "服务器内部错误，请报告此问题"}}, 500)
        return web.message("服务器内部错误", "服务器处理请求时出错，请报告此问题。", 500)

    routes = [
        Route("/", web.index, methods=["GET"]),
        Route("/check", web.check_form, methods=["POST"]),
        Route("/api/check", web.api_check, methods=["POST"]),
        Route("/download/{token}/{fmt}", web.download, methods=["GET"]),
        Route("/static/{name}", web.static, methods=["GET"]),
        Route("/healthz", web.healthz, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        web.runner.close()

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: bad_method, 500: internal},
                    lifespan=lifespan)
    app.state.web = web
    return app


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def serve(host: str, port: int, settings: WebSettings) -> None:
    import uvicorn

    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
