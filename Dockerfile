# The web app, worker and beat image. Front-end files are vendored from npm at build time.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
# IPAex Gothic: the Japanese font embedded in PDF notices
RUN apt-get update && apt-get install -y --no-install-recommends fonts-ipaexfont-gothic \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY membership ./membership
COPY engine ./engine
COPY forms ./forms
COPY webapp ./webapp
COPY processes ./processes
COPY tools ./tools
COPY --from=assets /src/node_modules ./node_modules
RUN python tools/vendor_assets.py && pip install --no-cache-dir . && rm -rf node_modules
ENV PYTHONUNBUFFERED=1 TZ=Asia/Tokyo
# not root: the uploads and the beat's schedule are written by this user (volumes take the owner of
# the directories made here)
RUN useradd --system --uid 1000 --home /app mamis && mkdir -p /data/uploads /data/beat \
    && chown -R mamis /data
USER mamis
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--timeout", "90", "webapp:create_app()"]
