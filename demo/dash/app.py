"""A Dash dashboard whose data comes from a report on Posit Connect, with a refresh button.

Run it beside the demo's stand-in and gateway (see README.md, section "Dash"):

    CONNECT_REFRESH_JWT_SECRET=... python app.py

The page gets <connect-refresh-button> from the classic build in assets/, which Dash loads
with the other assets. The button fetches a signed user token from /connect-refresh/token,
and when a render succeeds, assets/connect-refresh.js stores the event detail in the
``refresh-done`` store, which makes ``show_orders`` read the report's data again.
"""

import csv
import io
import os
import urllib.request

from dash import ClientsideFunction, Dash, Input, Output, clientside_callback, dcc, html
from flask import Response

from refresh_token import mint_token

GATEWAY_URL = os.environ.get("CONNECT_REFRESH_GATEWAY", "http://127.0.0.1:8787")
REPORT = os.environ.get("CONNECT_REFRESH_REPORT", "orders")
# The shared HS256 secret: the gateway reads the same value from the variable that its
# auth.jwt.secret_env names.
JWT_SECRET = os.environ["CONNECT_REFRESH_JWT_SECRET"]
JWT_LIFETIME_S = 300
DATA_URL = os.environ.get(
    "REPORT_DATA_URL", "http://127.0.0.1:3939/content/6a3b4c5d-0000-4000-8000-00000000beef/data.csv"
)

app = Dash(__name__, title="Orders")


def current_user() -> tuple[str, list[str]]:
    """Return the signed-in user and groups.

    NOTE: a placeholder for the demo. A real app takes these from its login, such as
    flask_login or the headers of an authenticating proxy, never from the request's own input.
    """
    return os.environ.get("DASH_DEMO_USER", "analyst"), ["analysts"]


@app.server.route("/connect-refresh/token")
def refresh_token() -> Response:
    user, groups = current_user()
    token = mint_token(JWT_SECRET, user, groups, lifetime_s=JWT_LIFETIME_S)
    return Response(token, mimetype="text/plain", headers={"Cache-Control": "no-store"})


app.layout = html.Div(
    [
        html.H1("Orders by region"),
        html.Div(id="refresh-slot"),
        dcc.Store(
            id="refresh-config",
            data={
                "slot": "refresh-slot",
                "done": "refresh-done",
                "gateway": GATEWAY_URL,
                "report": REPORT,
                "tokenUrl": "/connect-refresh/token",
            },
        ),
        dcc.Store(id="refresh-mounted"),
        dcc.Store(id="refresh-done"),
        html.P(id="rendered-at"),
        html.Table(id="orders"),
    ]
)

clientside_callback(
    ClientsideFunction(namespace="connectRefresh", function_name="mount"),
    Output("refresh-mounted", "data"),
    Input("refresh-config", "data"),
)


def read_orders() -> list[dict[str, str]]:
    with urllib.request.urlopen(DATA_URL, timeout=10) as response:
        return list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8")))


@app.callback(Output("orders", "children"), Output("rendered-at", "children"), Input("refresh-done", "data"))
def show_orders(done: dict | None):
    """Read the report's data on load and after each successful render."""
    try:
        rows = read_orders()
    except OSError as error:
        return [], f"The report's data could not be read from {DATA_URL}: {error}"
    header = html.Tr([html.Th("region"), html.Th("orders"), html.Th("revenue")])
    body = [html.Tr([html.Td(row["region"]), html.Td(row["orders"]), html.Td(row["revenue"])]) for row in rows]
    if done:
        rendered_at = done["lastRenderedAt"]
    elif rows:
        rendered_at = rows[0]["rendered_at"]
    else:
        rendered_at = "unknown"
    return [header, *body], f"Rendered at {rendered_at}"


if __name__ == "__main__":
    app.run(debug=False, host="127.0.0.1", port=8050)
