# Quanzi in a container: the image that compose.yaml runs on two "machines" (docs/deployment.md, "Containers").
# Debian's Python; the CJK fonts draw Chinese on posters and share cards (core/web/drawing.py).
FROM python:3.11-slim-bookworm

RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/quanzi quanzi

WORKDIR /srv/quanzi
COPY requirements.txt .
RUN python -m pip install --no-cache-dir --disable-pip-version-check -r requirements.txt
COPY . .
RUN for po in locale/*/LC_MESSAGES/messages.po plugins/*/locale/*/LC_MESSAGES/messages.po; do \
        pybabel compile --quiet -i "$po" -o "${po%.po}.mo"; \
    done \
    && mkdir -p /var/lib/quanzi && chown quanzi /var/lib/quanzi plugins.toml

USER quanzi
ENV QUANZI_DATA_DIR=/var/lib/quanzi
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["python", "server.py", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
