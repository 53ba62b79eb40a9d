"""Serve the explore page on a local address with solara's server, without telemetry or downloads."""

import os
import socket
import warnings

from sim.core.errors import UserError

EXTRA = "pip install 'iccsim[explore]'"
PAGE = "sim.interfaces.explore:Page"


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), so the URL is known before serving."""
    try:
        sock = socket.create_server((host, port))
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
    return sock


def serve(host: str, port: int) -> None:
    """Start the page and print its URL; return when stopped (Ctrl-C)."""
    sock = _bind(host, port)  # first: a busy port is told before anything heavy loads
    # solara reads its settings from the environment when first imported
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SOLARA_APP"] = PAGE
    # Mesa's own SolaraViz trips solara's hook check (a state hook after an early return); it is not ours
    warnings.filterwarnings("ignore", message=r".*mesa.visualization.solara_viz\.py.*use_state")
    import sim.outputs.render  # noqa: F401 - reads the figure style before solara patches matplotlib
    try:
        import solara.server.starlette  # noqa: F401 - checks the extra is installed
        import uvicorn
        from mesa.visualization import SolaraViz  # noqa: F401
    except ImportError as exc:
        sock.close()
        raise UserError(f"explore needs the browser extra ({exc.name} is missing): {EXTRA}") from None
    # solara warns on every page load that session cookies fall back to SameSite=Lax over plain http
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    shown = f"[{host}]" if ":" in host else host
    print(f"iccsim explore: serving on http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C stops)", flush=True)
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
