"""The web face of eventwire: a REST API and an analyst's page, served by `eventwire serve`.

`api.create_app` builds the FastAPI application; `queries` holds its database reads; `server.serve` runs
it under uvicorn; `static/` holds the page and its vendored libraries (see frontend/ for how they got there).
"""
