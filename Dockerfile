# Mirrors the README build: cgo on (mattn/go-sqlite3), one static-ish binary
# with templates and static files embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/ikrar ./cmd/ikrar

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data ikrar \
    && mkdir -p /data && chown ikrar /data
COPY --from=build /out/ikrar /usr/local/bin/ikrar
USER ikrar
ENV IKRAR_DATA=/data IKRAR_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
ENTRYPOINT ["ikrar"]
CMD ["serve"]
