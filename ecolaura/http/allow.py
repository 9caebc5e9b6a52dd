"""``OPTIONS`` answers naming every method of a path, on Litestar 2.

Litestar 2 builds a path's default ``OPTIONS`` handler when the first handler of that
path registers, and the handler's ``Allow`` lists the methods of the route object it
was built with. A second handler on the same path (``GET`` and ``DELETE
/admin/jobs/{id}``) makes a new route object but keeps the old ``OPTIONS`` handler, so
``Allow`` misses a method (litestar-org/litestar#4169, fixed only in Litestar 3).
"""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute


def answer_options_with_every_method(app: Litestar) -> None:
    """Rebuild the default ``OPTIONS`` handler of each path with more than one method."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or len(route.methods - {"OPTIONS"}) < 2:
            continue
        stale, _ = route.route_handler_map["OPTIONS"]
        if stale.handler_name != "options_handler":  # a route's own OPTIONS handler is left alone
            continue
        fresh = route.create_options_handler(route.path)
        fresh.owner = stale.owner
        fresh.on_registration(app)
        route.route_handlers[route.route_handlers.index(stale)] = fresh
        route.route_handler_map["OPTIONS"] = (
            fresh,
            fresh.create_kwargs_model(path_parameters=route.path_parameters),
        )
    app.asgi_router.construct_routing_trie()
